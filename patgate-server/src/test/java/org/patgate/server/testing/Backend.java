package org.patgate.server.testing;

/** The two databases PATgate runs on; tests that must hold on both take this as a parameter. */
public enum Backend {
    H2,
    POSTGRESQL
}
