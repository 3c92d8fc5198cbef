package org.patgate.server.dataplane;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's {@link DataPlaneNode} in front of its own upstream: both started before the class's
 * tests and closed after them, the upstream's records cleared before each test. Register it as a
 * static field with {@code @RegisterExtension}.
 *
 * @param <U> the upstream (a recording server of one kind or another)
 */
final class NodeAndUpstream<U extends AutoCloseable>
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    private final Callable<U> newUpstream;
    private final Function<U, String> url;
    private final Consumer<U> clear;
    private final Map<String, String> env;
    private U upstream;
    private DataPlaneNode node;

    /** @param env the node's {@code PATGATE_*} settings beyond a plain Netty plane on loopback */
    NodeAndUpstream(Callable<U> newUpstream, Function<U, String> url, Consumer<U> clear, Map<String, String> env) {
        this.newUpstream = newUpstream;
        this.url = url;
        this.clear = clear;
        this.env = env;
    }

    U upstream() {
        return upstream;
    }

    DataPlaneNode node() {
        return node;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        upstream = newUpstream.call();
        node = new DataPlaneNode(url.apply(upstream), env);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        clear.accept(upstream);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (node != null) {
                node.close();
            }
        } finally {
            upstream.close();
        }
    }
}
