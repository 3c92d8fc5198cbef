package org.patgate.server.app;

import org.patgate.core.PatgateException;

/**
 * The listen port is taken by another process. Thrown by {@link PatgateServer#start} before it has
 * written anything; {@link #port()} lets a command name its own option instead of the config key.
 */
public final class PortInUseException extends PatgateException {

    private final int port;

    PortInUseException(int port, Throwable cause) {
        super("port " + port + " is already in use; set listen.port or PATGATE_LISTEN_PORT", cause);
        this.port = port;
    }

    public int port() {
        return port;
    }
}
