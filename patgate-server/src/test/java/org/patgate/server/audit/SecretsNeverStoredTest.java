package org.patgate.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.DatabaseDump;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.TestServer;
import org.slf4j.LoggerFactory;

/**
 * After a full lifecycle (users, failed logins, create, rotate, revoke, errors) no secret — token,
 * password or pepper — appears anywhere in the database or the log output, while the audit trail
 * names every action.
 */
@EndToEndTest
class SecretsNeverStoredTest {

    @TempDir
    Path dir;

    @Test
    void fullLifecycleLeavesNoSecretInDatabaseOrLogs() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        String userPassword = "dave-secret-password-42";
        String first;
        String second;
        String pepper;
        String dump;
        JsonNode audit;
        try (TestServer server = TestServer.h2(dir)) {
            server.createUser("dave", userPassword, "ops");
            server.call("GET", "/.patgate/api/v1/tokens", "dave", "wrong-" + userPassword, null);
            JsonNode created = server.call(
                            "POST",
                            "/.patgate/api/v1/tokens",
                            "dave",
                            userPassword,
                            Map.of("name", "backup job", "scope", "read-write"))
                    .json();
            first = created.get("token").asText();
            String id = created.get("id").asText();
            second = server.call("POST", "/.patgate/api/v1/tokens/" + id + "/rotate", "dave", userPassword, null)
                    .json()
                    .get("token")
                    .asText();
            server.server().verifier().verify(first);
            server.server().verifier().verify(second);
            // A careless user pastes the secret into places where it does not belong.
            server.call("POST", "/.patgate/api/v1/tokens", "dave", userPassword, Map.of("name", "x", "owner", second));
            server.call("GET", "/.patgate/api/v1/tokens", second, userPassword, null);
            server.call("DELETE", "/.patgate/api/v1/tokens/" + id, "dave", userPassword, null);
            audit = server.asAdmin("GET", "/.patgate/api/v1/audit?size=500", null)
                    .json();
            dump = DatabaseDump.of(server.server().database().dataSource());
            pepper = Files.readString(dir.resolve("pepper")).strip();
        } finally {
            root.detachAppender(logs);
        }
        String logText = logs.list.stream()
                .map(e -> e.getFormattedMessage()
                        + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())))
                .collect(Collectors.joining("\n"));

        assertThat(first).isNotEqualTo(second);
        for (String secret : List.of(first, second, userPassword, pepper, TestServer.ADMIN_PASSWORD)) {
            assertThat(dump).as("database dump").doesNotContain(secret);
            assertThat(logText).as("log output").doesNotContain(secret);
            assertThat(audit.toString()).as("audit API").doesNotContain(secret);
        }
        // The dump is real: it holds the audit trail and the token row.
        assertThat(dump)
                .contains("token.create")
                .contains("token.rotate")
                .contains("token.revoke")
                .contains("backup job");
        assertThat(audit.get("items"))
                .extracting(
                        e -> e.get("action").asText() + "/" + e.get("outcome").asText())
                .contains(
                        "user.create/success",
                        "auth.login/failure",
                        "token.create/success",
                        "token.rotate/success",
                        "token.revoke/success",
                        "token.create/failure");
        assertThat(audit.get("items")).allSatisfy(e -> {
            assertThat(e.get("occurredAt").asText()).isNotBlank();
            assertThat(e.get("actor").asText()).isNotBlank();
        });
    }
}
