package org.patgate.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * Where the previous release cannot be had from the history (a clone without that commit, such as a
 * shallow one, or no git checkout at all), {@link RollingUpgradeIT} is skipped with a message naming
 * the commit instead of failing; nothing is built.
 */
class PreviousReleaseTest {

    @TempDir
    Path dir;

    @Test
    void aCloneWithoutThePreviousReleaseCommitSkipsNamingIt() throws Exception {
        Path clone = Files.createDirectories(dir.resolve("clone"));
        git(clone, "init", "-q");
        Files.writeString(clone.resolve("README.md"), "a history without the previous release\n");
        git(clone, "add", "README.md");
        git(clone, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "only commit");

        Throwable skipped = catchThrowable(() -> new PreviousRelease(clone, dir.resolve("target")).launcher());

        assertThat(skipped).isInstanceOf(TestAbortedException.class).hasMessageContaining(PreviousRelease.COMMIT);
        assertThat(dir.resolve("target")).doesNotExist();
    }

    @Test
    void aSourceTreeWithoutGitSkipsNamingTheCommit() throws Exception {
        Path sources = Files.createDirectories(dir.resolve("sources"));

        Throwable skipped = catchThrowable(() -> new PreviousRelease(sources, dir.resolve("target")).launcher());

        assertThat(skipped).isInstanceOf(TestAbortedException.class).hasMessageContaining(PreviousRelease.COMMIT);
        assertThat(dir.resolve("target")).doesNotExist();
    }

    private static void git(Path directory, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", directory.toString()));
        command.addAll(List.of(arguments));
        Process git;
        try {
            git = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            Assumptions.abort("git is not installed");
            return;
        }
        assertThat(git.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(git.exitValue()).as(String.join(" ", command)).isZero();
    }
}
