package org.patgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.CliRunner;
import org.patgate.server.testing.CliRunner.Result;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningGateway;

/** {@code patgate token addresses ID}: where a token was used from, for its owner; unknown ids fail in one line. */
@EndToEndTest
class TokenAddressesCliTest {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder().build();

    @RegisterExtension
    static final CliRunner cli = CliRunner.against(gw::base);

    @Test
    void theOwnerSeesTheAddressAndUserAgentATokenWasUsedFrom() {
        Result before = cli.run("alice", RunningGateway.ALICE_PASSWORD, "token", "addresses", gw.readWriteId());
        assertThat(before.exitCode()).as(before.err()).isZero();
        assertThat(before.out().strip()).isEqualTo("not used yet");

        assertThat(gw.send(
                                "GET",
                                "/rest/api/2/myself",
                                Map.of("Authorization", "Bearer " + gw.readWrite(), "User-Agent", "backup-job/2.1"),
                                null)
                        .status())
                .isEqualTo(200);
        Result after = null;
        long deadline = System.nanoTime() + 10_000_000_000L;
        do {
            gw.server.server().activity().flush();
            after = cli.run("alice", RunningGateway.ALICE_PASSWORD, "token", "addresses", gw.readWriteId());
        } while (after.out().contains("not used yet") && System.nanoTime() < deadline);

        assertThat(after.exitCode()).as(after.err()).isZero();
        assertThat(after.out().lines().toList()).hasSize(2);
        assertThat(after.out().lines().skip(1).findFirst().orElseThrow())
                .startsWith("127.0.0.1")
                .endsWith("backup-job/2.1")
                .doesNotContain(gw.readWrite());
    }

    @Test
    void anUnknownTokenIsOneLineAndExitOne() {
        Result missing = cli.run("alice", RunningGateway.ALICE_PASSWORD, "token", "addresses", "nosuchid123");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err().strip()).contains("404").doesNotContain("\n");
    }
}
