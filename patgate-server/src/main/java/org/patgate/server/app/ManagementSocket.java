package org.patgate.server.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;

/**
 * Where Jetty serves PATgate's own pages ({@code /.patgate/**}: health, API, UI, JWKS) when Netty
 * is the data plane: a Unix domain socket in a directory only this process's user may enter, so no
 * other local user can connect. Netty relays each client connection's requests to it behind a PROXY
 * protocol header naming the real client, which Jetty believes because only Netty can connect.
 */
final class ManagementSocket {

    private ManagementSocket() {}

    /** A fresh private directory (mode 700) holding the socket path (not yet bound). */
    static Path create() {
        try {
            Path dir = Files.createTempDirectory(
                    "patgate-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            return dir.resolve("management.sock");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of the management socket", e);
        }
    }

    /** Jetty's connector on {@code socket}: PROXY protocol (v1 or v2) first, then HTTP/1.1. */
    static UnixDomainServerConnector connector(Server jetty, HttpConfiguration http, Path socket) {
        HttpConnectionFactory http11 = new HttpConnectionFactory(http);
        UnixDomainServerConnector connector = new UnixDomainServerConnector(
                jetty, new ProxyConnectionFactory(HttpVersion.HTTP_1_1.asString()), http11);
        connector.setUnixDomainPath(socket);
        connector.setAcceptQueueSize(4096);
        return connector;
    }

    /** Removes the socket and its directory. */
    static void delete(Path socket) {
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(socket.getParent());
        } catch (IOException e) {
            // A leftover empty directory in the temporary directory harms nobody.
        }
    }
}
