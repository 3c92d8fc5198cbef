package org.patgate.server.gateway;

import java.util.Locale;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;

/**
 * Relays the product's answer to a request sent with a swapped-in native token, except when the product
 * did not accept the native token: a 401, or an answer naming the caller anonymous ({@code X-AUSERNAME:
 * anonymous}, any letter case), which is how Confluence answers a revoked or unknown personal access
 * token. Then the client gets PATgate's answer (the link is broken, and how to renew it) in place of the
 * product's, whose body and headers are dropped. A missing {@code X-AUSERNAME} is relayed: products leave
 * it out of answers that are not about a user (static resources, some servlets), and a native token the
 * product does not accept is still told by a 401 or by the header. The decision waits for the headers,
 * so nothing reaches the client before it. Used once per exchange, by one thread at a time (Jetty's
 * client calls a listener's events in order).
 */
final class NativeRejectionListener implements Response.Listener {

    static final String USER_HEADER = "X-AUSERNAME";

    private final Response.Listener relay;
    private final Runnable answerRejected;
    private boolean rejected;

    NativeRejectionListener(Response.Listener relay, Runnable answerRejected) {
        this.relay = relay;
        this.answerRejected = answerRejected;
    }

    @Override
    public void onBegin(Response response) {
        // Relayed with the headers, once they show whether the product took the native token.
    }

    @Override
    public boolean onHeader(Response response, HttpField field) {
        return true;
    }

    @Override
    public void onHeaders(Response response) {
        rejected = refusedNativeToken(response);
        if (!rejected) {
            relay.onBegin(response);
            for (HttpField field : response.getHeaders()) {
                relay.onHeader(response, field);
            }
            relay.onHeaders(response);
        }
    }

    /** A 401, or any answer whose {@code X-AUSERNAME} says the product took the request as anonymous. */
    static boolean refusedNativeToken(Response response) {
        return refusedNativeToken(response.getStatus(), response.getHeaders());
    }

    /** As {@link #refusedNativeToken(Response)}, from the answer's status and headers. */
    static boolean refusedNativeToken(int status, org.eclipse.jetty.http.HttpFields headers) {
        if (status == 401) {
            return true;
        }
        for (String user : headers.getValuesList(USER_HEADER)) {
            if (user.strip().toLowerCase(Locale.ROOT).equals("anonymous")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onContent(Response response, Content.Chunk chunk, Runnable demander) throws Exception {
        if (rejected) {
            demander.run(); // read and drop the product's answer
        } else {
            relay.onContent(response, chunk, demander);
        }
    }

    @Override
    public void onSuccess(Response response) {
        if (!rejected) {
            relay.onSuccess(response);
        }
    }

    @Override
    public void onFailure(Response response, Throwable failure) {
        relay.onFailure(response, failure);
    }

    @Override
    public void onComplete(Result result) {
        if (rejected && !result.isFailed()) {
            answerRejected.run();
        } else {
            relay.onComplete(result);
        }
    }
}
