package org.patgate.server.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JdbcUrlsTest {

    @Test
    void h2UrlsGetDbCloseOnExitDisabledUnlessSet() {
        assertThat(JdbcUrls.withH2Defaults("jdbc:h2:file:./data/patgate"))
                .isEqualTo("jdbc:h2:file:./data/patgate;DB_CLOSE_ON_EXIT=FALSE");
        assertThat(JdbcUrls.withH2Defaults("jdbc:h2:file:./data/patgate;db_close_on_exit=true"))
                .isEqualTo("jdbc:h2:file:./data/patgate;db_close_on_exit=true");
    }

    @Test
    void urlsAreRecognisedByPrefixIgnoringCase() {
        assertThat(JdbcUrls.isH2("JDBC:H2:mem:x")).isTrue();
        assertThat(JdbcUrls.isPostgresql("jdbc:postgresql://db:5432/patgate")).isTrue();
        assertThat(JdbcUrls.isH2("jdbc:postgresql://db/x")).isFalse();
        assertThat(JdbcUrls.isPostgresql("jdbc:h2:mem:x")).isFalse();
    }

    @Test
    void passwordParametersAreRedacted() {
        assertThat(JdbcUrls.redact("jdbc:postgresql://db/p?user=u&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/p?user=u&password=***&ssl=true");
        assertThat(JdbcUrls.redact("jdbc:h2:file:./x;USER=sa;PASSWORD=s3cret"))
                .isEqualTo("jdbc:h2:file:./x;USER=sa;PASSWORD=***");
    }
}
