package org.patgate.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.patgate.server.config.ListenConfig.DataPlane;

/**
 * One gateway per data plane ({@code listen.dataPlane}), each in front of a
 * {@link StrictRecordingUpstream} of its own, started on first use and stopped after the test
 * class; every upstream's record is cleared before each test. The gateways differ only in
 * {@code PATGATE_LISTEN_DATAPLANE}, so a test parameterised over {@link DataPlane#values()} runs
 * the same code against each plane:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final DataPlaneGateways planes = new DataPlaneGateways();
 * ... planes.gateway(DataPlane.NETTY).base() ...
 * }</pre>
 *
 * Not thread-safe to start; tests of one class run one at a time.
 */
public final class DataPlaneGateways implements BeforeEachCallback, AfterAllCallback {

    /**
     * A running gateway on one data plane and the upstream only it forwards to; {@code engine} is the
     * plane that really forwards (Jetty while the Netty plane is not built into this tree).
     */
    public record Node(
            DataPlane plane, DataPlane engine, RunningGateway gateway, StrictRecordingUpstream upstream, Path dir) {}

    private final Map<String, String> env;
    private final Map<DataPlane, Node> nodes = new EnumMap<>(DataPlane.class);
    private final Map<String, Node> named = new LinkedHashMap<>();

    public DataPlaneGateways() {
        this(Map.of());
    }

    /** Gateways started with these env overrides besides the data plane and the upstream URL. */
    public DataPlaneGateways(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The gateway on {@code plane}, started now if it is not yet running. */
    public Node node(DataPlane plane) {
        return nodes.computeIfAbsent(plane, p -> start(p, "patgate-" + p.name().toLowerCase(Locale.ROOT)));
    }

    /**
     * A second gateway on {@code plane} under {@code name}, independent of {@link #node} (a
     * differential test's reference, which stays on Jetty whatever plane is compared with it).
     */
    public Node named(String name, DataPlane plane) {
        return named.computeIfAbsent(name, n -> start(plane, "patgate-" + n));
    }

    /**
     * The plane that forwards when {@code plane} is configured: a tree without the Netty data plane
     * reads {@code netty} and goes on forwarding with Jetty.
     */
    public static DataPlane engine(DataPlane plane) {
        if (plane == DataPlane.NETTY) {
            try {
                Class.forName("org.patgate.server.dataplane.NettyDataPlane");
            } catch (ClassNotFoundException e) {
                return DataPlane.JETTY;
            }
        }
        return plane;
    }

    private Node start(DataPlane plane, String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            StrictRecordingUpstream upstream = new StrictRecordingUpstream();
            Map<String, String> all = new LinkedHashMap<>(env);
            all.put("PATGATE_UPSTREAM_URL", upstream.url());
            all.put("PATGATE_LISTEN_DATAPLANE", plane.name().toLowerCase(Locale.ROOT));
            RunningGateway gateway;
            try {
                gateway = RunningGateway.start(dir, all);
            } catch (RuntimeException e) {
                upstream.close();
                FileTrees.deleteQuietly(dir);
                throw e;
            }
            return new Node(plane, engine(plane), gateway, upstream, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        nodes.values().forEach(node -> node.upstream().clear());
        named.values().forEach(node -> node.upstream().clear());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        RuntimeException failure = null;
        for (Node node : all()) {
            try {
                node.gateway().close();
                node.upstream().close();
            } catch (IOException | RuntimeException e) {
                if (failure == null) {
                    failure = new IllegalStateException("a gateway did not stop", e);
                }
            } finally {
                FileTrees.deleteQuietly(node.dir());
            }
        }
        nodes.clear();
        named.clear();
        if (failure != null) {
            throw failure;
        }
    }

    private List<Node> all() {
        List<Node> list = new ArrayList<>(nodes.values());
        list.addAll(named.values());
        return list;
    }
}
