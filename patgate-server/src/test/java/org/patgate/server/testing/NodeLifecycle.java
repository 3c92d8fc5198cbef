package org.patgate.server.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * When an extension's node runs: registered on a static field, once for the test class; on an
 * instance field (JUnit makes a new one per test), once for each test.
 */
abstract class NodeLifecycle implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private boolean perTest;

    /** Whether the node is up. */
    abstract boolean running();

    abstract void startNode();

    abstract void stopNode();

    /** Runs before each test once the node is up (e.g. to forget what the previous test sent). */
    void beforeTest() {}

    @Override
    public final void beforeAll(ExtensionContext context) {
        startNode();
    }

    @Override
    public final void afterAll(ExtensionContext context) {
        stopNode();
    }

    @Override
    public final void beforeEach(ExtensionContext context) {
        if (!running()) {
            perTest = true;
            startNode();
        }
        beforeTest();
    }

    @Override
    public final void afterEach(ExtensionContext context) {
        if (perTest) {
            stopNode();
        }
    }
}
