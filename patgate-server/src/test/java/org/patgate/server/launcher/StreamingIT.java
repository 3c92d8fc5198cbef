package org.patgate.server.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patgate.server.testing.RecordingUpstream;

/**
 * A 1 GiB upload and a 1 GiB download pass through a gateway process limited to a 64 MiB heap
 * (and set to exit on OutOfMemoryError): bodies stream, they are never held whole.
 */
class StreamingIT {

    static final long ONE_GIB = 1L << 30;
    static RecordingUpstream upstream;
    static Process gateway;
    static URI base;
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        upstream = new RecordingUpstream();
        dir = Files.createTempDirectory("patgate-streaming");
        ProcessBuilder builder = new ProcessBuilder(LauncherIT.LAUNCHER.toString(), "serve")
                .directory(dir.toFile())
                .redirectErrorStream(true);
        builder.environment().put("PATGATE_HEAP", "64m");
        builder.environment().put("PATGATE_LISTEN_PORT", "0");
        builder.environment().put("PATGATE_UPSTREAM_URL", upstream.url());
        builder.environment().put("PATGATE_BOOTSTRAP_ADMINPASSWORD", "streaming-admin-password");
        gateway = builder.start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8));
        Pattern listening = Pattern.compile("PATgate listening on (http://\\S+) ");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (base == null && System.nanoTime() < deadline && (line = out.readLine()) != null) {
            Matcher matcher = listening.matcher(line);
            if (matcher.find()) {
                base = URI.create(matcher.group(1));
            }
        }
        assertThat(base).as("gateway started").isNotNull();
        Thread drain = new Thread(() -> out.lines().forEach(l -> {}), "gateway-output");
        drain.setDaemon(true);
        drain.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.destroy();
            if (!gateway.waitFor(20, TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
        }
        upstream.close();
    }

    private static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @Test
    void oneGibDownloadStreamsThroughA64MibHeap() throws Exception {
        HttpResponse<InputStream> response = client().send(
                        HttpRequest.newBuilder(base.resolve("/test/download/" + ONE_GIB))
                                .timeout(Duration.ofMinutes(3))
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
        long received = 0;
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[256 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received += n;
            }
        }
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(received).isEqualTo(ONE_GIB);
        assertThat(gateway.isAlive()).isTrue();
    }

    @Test
    void oneGibUploadStreamsThroughA64MibHeap() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/test/echo-bytes"))
                .timeout(Duration.ofMinutes(3))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> new ZeroStream(ONE_GIB)), ONE_GIB))
                .build();

        HttpResponse<String> response = client().send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Received-Bytes")).hasValue(Long.toString(ONE_GIB));
        assertThat(gateway.isAlive()).isTrue();
    }

    /** {@code length} zero bytes, generated on demand. */
    static final class ZeroStream extends InputStream {
        private long remaining;

        ZeroStream(long length) {
            this.remaining = length;
        }

        @Override
        public int read() {
            if (remaining <= 0) {
                return -1;
            }
            remaining--;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, remaining);
            Arrays.fill(b, off, off + n, (byte) 0);
            remaining -= n;
            return n;
        }
    }
}
