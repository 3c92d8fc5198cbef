package org.patgate.server.gateway;

import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;

/**
 * Relays the product's answer to a request sent with a swapped-in native token, except a 401: the
 * product refused the native token, so the client gets PATgate's answer (the link is broken, and how
 * to renew it) in place of the product's bare 401, whose body and headers are dropped. Used once per
 * exchange, by one thread at a time (Jetty's client calls a listener's events in order).
 */
final class NativeRejectionListener implements Response.Listener {

    private final Response.Listener relay;
    private final Runnable answerRejected;
    private boolean rejected;

    NativeRejectionListener(Response.Listener relay, Runnable answerRejected) {
        this.relay = relay;
        this.answerRejected = answerRejected;
    }

    @Override
    public void onBegin(Response response) {
        rejected = response.getStatus() == 401;
        if (!rejected) {
            relay.onBegin(response);
        }
    }

    @Override
    public boolean onHeader(Response response, HttpField field) {
        return rejected || relay.onHeader(response, field);
    }

    @Override
    public void onHeaders(Response response) {
        if (!rejected) {
            relay.onHeaders(response);
        }
    }

    @Override
    public void onContent(Response response, Content.Chunk chunk, Runnable demander) throws Exception {
        if (rejected) {
            demander.run(); // read and drop the product's 401 body
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
