package org.patgate.server.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.http.Json;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RecordingUpstream;
import org.patgate.server.testing.TestServer;

/**
 * {@code listen.transport} and {@code listen.eventLoops}: the Netty data plane does its I/O with the
 * transport chosen at start ({@code auto}: io_uring, else epoll, else NIO) on as many threads as asked
 * (one per core by default), says which in health, and forwards as usual with NIO and on one thread.
 */
@EndToEndTest
class PlaneIoTest {

    @TempDir
    Path dir;

    @Test
    void byDefaultOneThreadPerCoreServesTheListener() throws Exception {
        try (RecordingUpstream upstream = new RecordingUpstream();
                TestServer node = start(upstream, Map.of())) {
            assertThat(plane(node).get("eventLoops").asInt())
                    .isEqualTo(Runtime.getRuntime().availableProcessors());
        }
    }

    @Test
    void oneEventLoopForwardsAsUsual() throws Exception {
        try (RecordingUpstream upstream = new RecordingUpstream();
                TestServer node = start(upstream, Map.of("PATGATE_LISTEN_EVENTLOOPS", "1"))) {
            assertThat(plane(node).get("eventLoops").asInt()).isEqualTo(1);
            node.createUser("alice", "alice-password-1");
            String token = node.call(
                            "POST",
                            "/.patgate/api/v1/tokens",
                            "alice",
                            "alice-password-1",
                            Map.of("name", "loops", "scope", "read-write"))
                    .json()
                    .get("token")
                    .asText();
            for (int i = 0; i < 8; i++) {
                assertThat(node.raw("GET", "/rest/api/2/myself", Map.of("Authorization", "Bearer " + token), null)
                                .status())
                        .isEqualTo(200);
            }
            assertThat(upstream.received()).hasSize(8);
            assertThat(upstream.last().header("Authorization")).isEmpty();
        }
    }

    @Test
    void autoPicksANativeTransportOrFallsBackToNioAndSaysWhich() throws Exception {
        try (RecordingUpstream upstream = new RecordingUpstream();
                TestServer node = start(upstream, Map.of("PATGATE_LISTEN_TRANSPORT", "auto"))) {
            assertThat(plane(node).get("transport").asText()).isIn("io_uring", "epoll", "nio");
        }
    }

    @Test
    void nioForwardsAsUsualWhenAsked() throws Exception {
        try (RecordingUpstream upstream = new RecordingUpstream();
                TestServer node = start(upstream, Map.of("PATGATE_LISTEN_TRANSPORT", "nio"))) {
            assertThat(plane(node).get("transport").asText()).isEqualTo("nio");
            node.createUser("alice", "alice-password-1");
            String token = node.call(
                            "POST",
                            "/.patgate/api/v1/tokens",
                            "alice",
                            "alice-password-1",
                            Map.of("name", "nio", "scope", "read-write"))
                    .json()
                    .get("token")
                    .asText();
            assertThat(node.raw("GET", "/rest/api/2/myself", Map.of("Authorization", "Bearer " + token), null)
                            .status())
                    .isEqualTo(200);
            assertThat(upstream.received()).hasSize(1);
        }
    }

    private TestServer start(RecordingUpstream upstream, Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>(extra);
        env.put("PATGATE_UPSTREAM_URL", upstream.url());
        env.put("PATGATE_LISTEN_DATAPLANE", "netty");
        return TestServer.start(dir, "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), "", "", env);
    }

    private static JsonNode plane(TestServer node) throws Exception {
        TestServer.Answer health = node.raw("GET", "/.patgate/health", Map.of(), null);
        assertThat(health.status()).isEqualTo(200);
        return Json.MAPPER.readTree(health.body()).get("dataPlane");
    }
}
