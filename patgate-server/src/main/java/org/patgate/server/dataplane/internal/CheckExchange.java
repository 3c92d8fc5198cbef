package org.patgate.server.dataplane.internal;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import org.patgate.server.gateway.ExternalCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A proxy's check request ({@code /.patgate/check}, see {@link ExternalCheck}) answered by the data plane
 * itself rather than relayed to PATgate's own server: the same {@link ExternalCheck} decides, from memory
 * on the event loop when it can, else on the gate's blocking executor. The caller is the connection's
 * peer (or the address its PROXY protocol header names), as on the relay. A check request's body is
 * never looked at: it is dropped after the answer. On the client connection's event loop.
 */
final class CheckExchange implements Exchange {

    private static final Logger LOG = LoggerFactory.getLogger(CheckExchange.class);

    private final ClientConnection connection;
    private final PlaneContext plane;
    private boolean over;

    CheckExchange(ClientConnection connection, PlaneContext plane) {
        this.connection = connection;
        this.plane = plane;
    }

    /** Decides {@code request} (its raw path {@code rawPath}) and answers it. */
    void start(HttpRequest request, String rawPath) {
        ExternalCheck.CheckRequest check = new ExternalCheck.CheckRequest(
                request.method().name(),
                rawPath,
                Requests.rawQuery(request.uri()),
                Answers.toJetty(request.headers()),
                ListenerFront.client(connection.channel()),
                ListenerFront.secure(connection.channel()));
        ExternalCheck.Answer now;
        try {
            now = plane.check().tryCheck(check);
        } catch (RuntimeException e) {
            failed(e);
            return;
        }
        if (now != null) {
            answer(now);
            return;
        }
        plane.gate().blockingExecutor().execute(() -> {
            ExternalCheck.Answer later;
            try {
                later = plane.check().check(check);
            } catch (RuntimeException e) {
                connection.loop().execute(() -> failed(e));
                return;
            }
            connection.loop().execute(() -> answer(later));
        });
    }

    private void answer(ExternalCheck.Answer answer) {
        if (over) {
            return;
        }
        over = true;
        connection.answer(Answers.of(answer.status(), answer.headers(), answer.body()), true);
    }

    /** Fail closed: anything escaping the check refuses the request. */
    private void failed(RuntimeException e) {
        LOG.error("refusing a check request because deciding failed", e);
        if (!over) {
            over = true;
            connection.answer(Answers.problem(500, null, ExternalCheck.PATH), true);
        }
    }

    @Override
    public void content(HttpContent content) {
        content.release(); // never read: the answer does not depend on it
    }

    @Override
    public void clientWritable(boolean writable) {}

    @Override
    public void abort() {
        over = true;
    }
}
