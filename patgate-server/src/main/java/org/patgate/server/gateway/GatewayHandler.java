package org.patgate.server.gateway;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.patgate.server.http.UnusedBody;

/**
 * The Jetty data plane's authentication step in front of the upstream proxy: asks the {@link
 * GatewayGate} about the request, and either answers the refusal itself (nothing reaches the
 * upstream) or hands the request to the wrapped proxy with a {@link ForwardPlan}. An allowed WebSocket
 * upgrade is answered {@code 501}: only the Netty data plane relays WebSockets. Thread-safe.
 */
public final class GatewayHandler extends Handler.Wrapper {

    /** Why an allowed WebSocket upgrade is answered {@code 501} on this data plane. */
    static final String WEBSOCKET_NEEDS_NETTY =
            "relaying a WebSocket needs listen.dataPlane: netty; this data plane (jetty) cannot switch protocols";

    private final GatewayGate gate;

    public GatewayHandler(GatewayGate gate, Handler upstream) {
        super(upstream);
        this.gate = gate;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        HttpURI uri = request.getHttpURI();
        GatewayGate.RequestHead head = new GatewayGate.RequestHead(
                request.getMethod(),
                uri.getPath(),
                uri.getQuery(),
                request.getHeaders(),
                request.getConnectionMetaData().getRemoteSocketAddress(),
                request.isSecure(),
                request.getConnectionMetaData().getProtocol());
        // Jetty's own threads may block: a token not seen lately is looked up in the store right here.
        GatewayGate.Verdict verdict = gate.decide(head);
        if (verdict.decision() instanceof GatewayDecision.Refuse refuse) {
            refuse(request, response, callback, refuse, verdict);
            gate.record(verdict, refuse.status());
            return true;
        }
        if (GatewayGate.isWebSocketUpgrade(head)) {
            // Jetty's proxy cannot relay a WebSocket: say so, rather than forward a GET that cannot switch.
            GatewayDecision.Refuse unsupported = new GatewayDecision.Refuse(
                    501,
                    "not-implemented",
                    "Not Implemented",
                    WEBSOCKET_NEEDS_NETTY,
                    false,
                    ((GatewayDecision.Forward) verdict.decision()).tokenId());
            refuse(request, response, callback, unsupported, verdict);
            gate.record(verdict, unsupported.status());
            return true;
        }
        if (gate.inspectsBody(verdict)) {
            // Password fields in a form body would log in past the password block, and a token with rules
            // names the methods it may use (a '_method' form field would let the upstream act on another):
            // look into the form before forwarding.
            FormPasswordGuard.Outcome outcome = new FormPasswordGuard.Outcome() {
                @Override
                public void forward(Request replayed) {
                    try {
                        GatewayHandler.this.forward(replayed, response, callback, verdict);
                    } catch (Throwable failure) {
                        callback.failed(failure);
                    }
                }

                @Override
                public void refuse(GatewayDecision.Refuse refusal) {
                    GatewayHandler.this.refuse(request, response, callback, refusal, verdict);
                }
            };
            FormPasswordGuard.inspect(request, gate, verdict, outcome);
            return true;
        }
        return forward(request, response, callback, verdict);
    }

    private boolean forward(Request request, Response response, Callback callback, GatewayGate.Verdict verdict)
            throws Exception {
        GatewayDecision.Forward forward = (GatewayDecision.Forward) verdict.decision();
        request.setAttribute(
                ForwardPlan.ATTRIBUTE,
                new ForwardPlan(
                        forward,
                        request.getMethod(),
                        verdict.encodedPath(),
                        verdict.upstreamQuery(),
                        verdict.client(),
                        verdict.startNanos()));
        // Added before the upstream's answer: the proxy adds the upstream's fields beside these.
        gate.answerHeaders(verdict, response.getHeaders()::add);
        Callback completion = callback;
        if (forward.tokenId() != null) {
            completion = new Callback.Nested(callback) {
                @Override
                public void succeeded() {
                    gate.record(verdict, response.getStatus());
                    super.succeeded();
                }

                @Override
                public void failed(Throwable failure) {
                    gate.record(verdict, response.isCommitted() ? response.getStatus() : 502);
                    super.failed(failure);
                }
            };
        }
        return super.handle(request, response, completion);
    }

    private void refuse(
            Request request,
            Response response,
            Callback callback,
            GatewayDecision.Refuse refuse,
            GatewayGate.Verdict verdict) {
        // The body is never forwarded; it is discarded (bounded) so that neither an HTTP/2 stream reset
        // nor a closed HTTP/1.1 connection stands in for the 401/403, and resets do not add up to a
        // closed connection for every other request on it.
        UnusedBody.answer(request, callback, done -> answer(response, done, gate.answer(verdict, refuse)));
    }

    /** Writes a refusal's answer. */
    static void answer(Response response, Callback callback, RefusalAnswer.Answer answer) {
        response.setStatus(answer.status());
        for (HttpField field : answer.headers()) {
            response.getHeaders().add(field);
        }
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
    }
}
