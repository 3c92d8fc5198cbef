package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.Test;

/** Which requests push, where an announced push goes, and who is answered in plain text. */
class GitSmartHttpTest {

    @Test
    void pushesAreRecognisedInEverySpelling() {
        assertThat(GitSmartHttp.isPush("/scm/p/r.git/info/refs", "service=git-receive-pack"))
                .isTrue();
        assertThat(GitSmartHttp.isPush("/scm/p/r.git/info/refs/", "a=b&service=Git-Receive-Pack"))
                .isTrue();
        assertThat(GitSmartHttp.isPush("/scm/p/r.git/info/REFS", "service=git%2dreceive%2Dpack"))
                .isTrue();
        assertThat(GitSmartHttp.isPush("/scm/p/r.git/info/refs", "service=git-upload-pack&service=git-receive-pack"))
                .isTrue();
        assertThat(GitSmartHttp.isPush("/scm/p/r.git/info/refs", "service=%zz")).isTrue(); // undecodable: fail closed
        assertThat(GitSmartHttp.isPush("/scm/p/r.git/info/refs", "x=1;service=git-receive-pack"))
                .isTrue();
        assertThat(GitSmartHttp.isPush("/scm/p/r.git/info/refs", "x;service=git-receive-pack"))
                .isTrue();
        assertThat(GitSmartHttp.isPush("/scm/p/r.git/git-receive-pack", null)).isTrue();
        assertThat(GitSmartHttp.isPush("/scm/p/r.git/GIT-RECEIVE-PACK/", null)).isTrue();

        assertThat(GitSmartHttp.isPush("/scm/p/r.git/info/refs", "service=git-upload-pack"))
                .isFalse();
        assertThat(GitSmartHttp.isPush("/scm/p/r.git/info/refs", null)).isFalse();
        assertThat(GitSmartHttp.isPush("/scm/p/r.git/git-upload-pack", null)).isFalse();
        assertThat(GitSmartHttp.isPush("/rest/api/2/search", "jql=text~receive-pack"))
                .isFalse();
        assertThat(GitSmartHttp.isPush("/", null)).isFalse();
        // Only info/refs announces: a REST resource called refs is not git.
        assertThat(GitSmartHttp.isPush("/rest/api/1.0/projects/P/repos/r/refs", "filterText=receive-pack"))
                .isFalse();
    }

    @Test
    void anAnnouncedPushGoesToTheRepositorysReceivePack() {
        assertThat(GitSmartHttp.announcedReceivePack("/scm/p/r.git/info/refs", "service=git-receive-pack"))
                .isEqualTo("/scm/p/r.git/git-receive-pack");
        assertThat(GitSmartHttp.announcedReceivePack("/scm/p/r.git/Info/Refs/", "service=GIT-RECEIVE-PACK"))
                .isEqualTo("/scm/p/r.git/git-receive-pack");
        assertThat(GitSmartHttp.announcedReceivePack("/info/refs", "service=git-receive-pack"))
                .isEqualTo("/git-receive-pack");
        assertThat(GitSmartHttp.announcedReceivePack("/scm/p/r.git/info/refs", "service=git-upload-pack"))
                .isNull();
        assertThat(GitSmartHttp.announcedReceivePack("/refs", "service=git-receive-pack"))
                .isNull();
        assertThat(GitSmartHttp.announcedReceivePack("/scm/p/r.git/x/refs", "service=git-receive-pack"))
                .isNull();
        assertThat(GitSmartHttp.announcedReceivePack("/scm/p/r.git/git-receive-pack", null))
                .isNull();
    }

    @Test
    void gitClientsAreAnsweredInPlainTextOthersInJson() {
        HttpFields git = HttpFields.build().add("User-Agent", "git/2.45.1");
        HttpFields curl = HttpFields.build().add("User-Agent", "curl/8.5.0");
        HttpFields asksJson = HttpFields.build().add("User-Agent", "git/2.45.1").add("Accept", "application/json");

        assertThat(GitSmartHttp.wantsPlainText("/rest/api/2/myself", git)).isTrue();
        assertThat(GitSmartHttp.wantsPlainText("/scm/p/r.git/info/refs", curl)).isTrue();
        assertThat(GitSmartHttp.wantsPlainText("/scm/p/r.git/git-upload-pack", curl))
                .isTrue();
        assertThat(GitSmartHttp.wantsPlainText("/rest/api/2/myself", curl)).isFalse();
        assertThat(GitSmartHttp.wantsPlainText(null, curl)).isFalse();
        assertThat(GitSmartHttp.wantsPlainText("/rest/api/1.0/projects/P/repos/r/refs", curl))
                .isFalse();
        assertThat(GitSmartHttp.wantsPlainText("/scm/p/r.git/info/refs", asksJson))
                .isFalse();
    }
}
