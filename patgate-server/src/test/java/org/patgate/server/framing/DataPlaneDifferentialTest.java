package org.patgate.server.framing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.patgate.server.config.ListenConfig.DataPlane;
import org.patgate.server.framing.AllowedCorpus.Entry;
import org.patgate.server.testing.DataPlaneGateways;
import org.patgate.server.testing.DataPlaneGateways.Node;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.StrictRecordingUpstream.Exchange;

/**
 * The same requests ({@link AllowedCorpus}) through a reference gateway on Jetty and through a
 * gateway on each data plane, each in front of an upstream of its own: what each upstream receives
 * (method, target, the multiset of headers with lower-case names, the body bytes) and what each
 * client is answered must be the same. On a tree without the Netty plane the comparison is Jetty
 * against Jetty, which proves it holds; {@link #aHeaderThatDiffersIsSeen} proves it can fail.
 */
@EndToEndTest
class DataPlaneDifferentialTest {

    @RegisterExtension
    static final DataPlaneGateways planes = new DataPlaneGateways();

    /**
     * Headers that may legitimately differ between two correct gateways, and why:
     * connection, keep-alive, proxy-connection, te, upgrade — connection-scoped (RFC 9110 §7.6.1),
     * each gateway manages its own upstream connections; content-length, transfer-encoding — a
     * gateway may re-frame a body (chunked or sized), the body bytes are compared instead; expect —
     * a gateway may answer 100-continue itself rather than forward the expectation (RFC 9110 §10.1.1).
     */
    static final Set<String> MAY_DIFFER = Set.of(
            "connection",
            "keep-alive",
            "proxy-connection",
            "te",
            "upgrade",
            "content-length",
            "transfer-encoding",
            "expect");

    /** What one upstream received for one corpus entry, ports replaced by names; and the client's answers. */
    record Seen(List<Integer> statuses, List<Forwarded> requests) {}

    /** One forwarded request, comparable across gateways. */
    record Forwarded(String method, String target, List<String> headers, String body) {}

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (DataPlane plane : DataPlane.values()) {
            for (Entry entry : AllowedCorpus.entries()) {
                all.add(Arguments.of(plane, entry));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void theUpstreamReceivesTheSameAsThroughTheReference(DataPlane plane, Entry entry) {
        Node reference = planes.named("reference", DataPlane.JETTY);
        Node candidate = planes.node(plane);

        Seen expected = send(reference, entry.bytes(), List.of());
        Seen actual = send(candidate, entry.bytes(), List.of());

        assertThat(expected.requests())
                .as("the reference forwards what the corpus says; " + expected)
                .hasSize(entry.forwarded());
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void aHeaderThatDiffersIsSeen() {
        Node reference = planes.named("reference", DataPlane.JETTY);
        Node candidate = planes.node(DataPlane.JETTY);
        String request = AllowedCorpus.get("/rest/api/2/myself");

        Seen same = send(candidate, request, List.of());
        Seen extraHeader = send(candidate, request, List.of("X-Extra: 1"));
        Seen otherValue = send(candidate, request.replace("/myself", "/myself?x"), List.of());

        assertThat(same).isEqualTo(send(reference, request, List.of()));
        assertThat(extraHeader).isNotEqualTo(same);
        assertThat(extraHeader.requests().getFirst().headers()).contains("x-extra: 1");
        assertThat(otherValue).isNotEqualTo(same);
    }

    /** Sends {@code template} (with {@code extraHeaders} after its request line) and collects what the upstream saw. */
    static Seen send(Node node, String template, List<String> extraHeaders) {
        URI base = node.gateway().base();
        String rw = node.gateway().readWrite();
        String bytes = template.replace("{host}", "127.0.0.1:" + base.getPort())
                .replace(
                        "{basic}",
                        Base64.getEncoder().encodeToString(("alice:" + rw).getBytes(StandardCharsets.ISO_8859_1)))
                .replace("{rw}", rw)
                .replace("{ro}", node.gateway().readOnly());
        for (String header : extraHeaders) {
            bytes = bytes.replaceFirst("\r\n", "\r\n" + header + "\r\n");
        }
        node.upstream().clear();

        Wire.Reply reply = Wire.send(base, bytes);

        assertThat(node.upstream().problems()).isEmpty();
        assertThat(node.upstream().partial()).isEmpty();
        List<Forwarded> requests = new ArrayList<>();
        for (Exchange exchange : node.upstream().received()) {
            requests.add(new Forwarded(
                    exchange.method(),
                    portsNamed(exchange.target(), node),
                    exchange.headers().stream()
                            .filter(f -> !MAY_DIFFER.contains(f.name().toLowerCase(Locale.ROOT)))
                            .map(f -> f.name().toLowerCase(Locale.ROOT) + ": " + portsNamed(f.value(), node))
                            .sorted()
                            .toList(),
                    exchange.bodyText()));
        }
        return new Seen(reply.statuses(), requests);
    }

    /** The gateway's and the upstream's ports differ between nodes; their roles do not. */
    static String portsNamed(String text, Node node) {
        return text.replace(":" + node.gateway().base().getPort(), ":{gateway}")
                .replace(":" + node.upstream().port(), ":{upstream}");
    }
}
