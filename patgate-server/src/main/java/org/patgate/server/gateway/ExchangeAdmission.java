package org.patgate.server.gateway;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.patgate.server.config.LimitsConfig;
import org.patgate.server.http.Json;
import org.patgate.server.http.Problem;

/**
 * Sits between the {@link GatewayHandler}'s decision and the {@link UpstreamProxy}: a forwarded
 * request reaches the upstream only while its {@link ExchangeBudget} holds a connection for it
 * (tokens and anonymous traffic in separate budgets, capped per client address), and gives it back
 * when the exchange ends however it ends. Over a limit the client gets {@code 429} (its own address
 * holds too many) or {@code 503} (the budget is used up, or no connection freed up in time) as
 * problem+json naming the limit, with {@code Retry-After}, at once and without reading the body.
 * Thread-safe.
 */
public final class ExchangeAdmission extends Handler.Wrapper {

    /** How long a refused client is told to wait ({@code Retry-After}), whichever data plane refuses. */
    public static final String RETRY_AFTER_SECONDS = "1";

    private final ExchangeBudget budget;

    public ExchangeAdmission(ExchangeBudget budget, Handler upstream) {
        super(upstream);
        this.budget = budget;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!(request.getAttribute(ForwardPlan.ATTRIBUTE) instanceof ForwardPlan plan)) {
            // Not decided on: the proxy refuses it (fail closed); there is nothing to count.
            return super.handle(request, response, callback);
        }
        ExchangeBudget.Kind kind =
                plan.decision().tokenId() != null ? ExchangeBudget.Kind.TOKEN : ExchangeBudget.Kind.ANONYMOUS;
        Admission admission = new Admission(request, response, callback);
        budget.acquire(kind, plan.client(), request.getComponents().getScheduler(), admission);
        admission.acquiring = false;
        return true;
    }

    /** One request's way through the budget; the budget calls back exactly once. */
    private final class Admission implements ExchangeBudget.Ticket {
        private final Request request;
        private final Response response;
        private final Callback callback;
        /** True while {@link ExchangeBudget#acquire} runs on the request's own thread. */
        volatile boolean acquiring = true;

        Admission(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
        }

        @Override
        public void granted(ExchangeBudget.Permit permit) {
            Callback releasing = new Callback.Nested(callback) {
                @Override
                public void succeeded() {
                    permit.release();
                    super.succeeded();
                }

                @Override
                public void failed(Throwable failure) {
                    permit.release();
                    super.failed(failure);
                }
            };
            if (acquiring) {
                forward(permit, releasing);
            } else {
                // Granted by another exchange's completion: continue on a pool thread of our own.
                request.getContext().execute(() -> forward(permit, releasing));
            }
        }

        private void forward(ExchangeBudget.Permit permit, Callback releasing) {
            try {
                if (!getHandler().handle(request, response, releasing)) {
                    permit.release();
                    Response.writeError(request, response, callback, 404);
                }
            } catch (Throwable failure) {
                permit.release();
                callback.failed(failure);
            }
        }

        @Override
        public void refused(ExchangeBudget.Refusal refusal) {
            int status = refusal.status();
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            Problem problem =
                    problem(refusal, budget.limits(), request.getHttpURI().getPath());
            // The body is not read: a slow or endless upload costs nothing more once refused.
            response.write(true, ByteBuffer.wrap(Json.write(problem)), callback);
        }
    }

    /**
     * The problem+json body of a refused admission at {@code path}, naming the limit; the answer also
     * carries {@link #RETRY_AFTER_SECONDS}. Shared by every data plane.
     */
    public static Problem problem(ExchangeBudget.Refusal refusal, LimitsConfig limits, String path) {
        int status = refusal.status();
        return Problem.of(
                        status,
                        slug(refusal),
                        status == 429 ? "Too Many Requests" : "Service Unavailable",
                        detail(refusal, limits))
                .at(path);
    }

    private static String slug(ExchangeBudget.Refusal refusal) {
        return switch (refusal) {
            case CLIENT -> "client-exchange-limit";
            case ANONYMOUS -> "anonymous-exchange-limit";
            case UPSTREAM_WAIT -> "upstream-busy";
        };
    }

    static String detail(ExchangeBudget.Refusal refusal, LimitsConfig limits) {
        return switch (refusal) {
            case CLIENT ->
                "too many requests from your address are in progress at once (limits.clientExchanges = "
                        + limits.clientExchanges() + "); retry when one has finished";
            case ANONYMOUS ->
                "the gateway is already forwarding as many requests without a personal access token as "
                        + "it allows (limits.anonymousExchanges = " + limits.anonymousExchanges()
                        + "); retry later, or use a token";
            case UPSTREAM_WAIT ->
                "no upstream connection became free within limits.upstreamWait ("
                        + limits.upstreamWait().toMillis() + " ms; limits.upstreamConnections = "
                        + limits.upstreamConnections() + "); retry later";
        };
    }
}
