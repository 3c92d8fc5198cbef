package org.patgate.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpBalancerTest {

    @Test
    void eachConnectionGoesToTheNextNodeAndADeadNodeIsSkipped() throws Exception {
        try (NameUpstream a = new NameUpstream("a");
                NameUpstream b = new NameUpstream("b")) {
            TcpBalancer balancer = new TcpBalancer(List.of(address(a), address(b)));
            try {
                List<String> answers = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    answers.add(get(balancer.port()));
                }
                assertThat(answers).containsExactly("a", "b", "a", "b");

                a.close(); // its port refuses connections from now on
                answers.clear();
                for (int i = 0; i < 3; i++) {
                    answers.add(get(balancer.port()));
                }
                assertThat(answers).containsExactly("b", "b", "b");
            } finally {
                balancer.close();
            }
        }
    }

    private static InetSocketAddress address(NameUpstream upstream) {
        URI url = URI.create(upstream.url());
        return new InetSocketAddress(url.getHost(), url.getPort());
    }

    /** One request on a connection of its own; the body of the answer. */
    private static String get(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 200");
            return answer.substring(answer.indexOf("\r\n\r\n") + 4).strip();
        }
    }
}
