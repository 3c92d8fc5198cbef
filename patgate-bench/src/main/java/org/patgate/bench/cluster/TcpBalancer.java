package org.patgate.bench.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP load balancer on a loopback port, as an operator would put in front of a cluster: each client
 * connection goes to the next node in turn, and to the one after it when that node refuses the
 * connection (a dead node's port is closed). Bytes are copied both ways until either side closes.
 * Thread-safe.
 */
public final class TcpBalancer implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 1_000;

    private final ServerSocket listener;
    private final List<InetSocketAddress> nodes;
    private final AtomicInteger next = new AtomicInteger();
    private final Thread acceptor;

    /** Listens on a free loopback port and relays to {@code nodes}, in this order, round robin. */
    public TcpBalancer(List<InetSocketAddress> nodes) {
        this.nodes = List.copyOf(nodes);
        try {
            this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on loopback", e);
        }
        this.acceptor = Thread.ofPlatform().daemon().name("balancer-accept").start(this::acceptAll);
    }

    /** The port clients connect to. */
    public int port() {
        return listener.getLocalPort();
    }

    private void acceptAll() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Thread.ofVirtual().start(() -> relay(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void relay(Socket client) {
        try (client) {
            Socket node = connectToANode();
            if (node == null) {
                return; // no node takes connections: the client sees its connection closed
            }
            try (node) {
                Thread back = Thread.ofVirtual().start(() -> copy(node, client));
                copy(client, node);
                back.join();
            }
        } catch (IOException | InterruptedException e) {
            // one side went away; the other is closed with it
        }
    }

    private Socket connectToANode() {
        int first = Math.floorMod(next.getAndIncrement(), nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            Socket socket = new Socket();
            try {
                socket.connect(nodes.get((first + i) % nodes.size()), CONNECT_TIMEOUT_MILLIS);
                return socket;
            } catch (IOException refused) {
                closeQuietly(socket);
            }
        }
        return null;
    }

    /** Copies until {@code from} ends, then ends the writing half of {@code to}. */
    private static void copy(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // A reset on one side (a killed node) ends the relay: close both so the other side learns of it.
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        acceptor.join(5_000);
    }
}
