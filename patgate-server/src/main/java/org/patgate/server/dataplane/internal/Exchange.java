package org.patgate.server.dataplane.internal;

import io.netty.handler.codec.http.HttpContent;

/**
 * One request and its answer on a client connection, whichever way it goes (the gateway to the
 * upstream, or the relay to PATgate's own server). The same for an HTTP/1.1 connection and an
 * HTTP/2 stream. Called on the client connection's event loop only.
 */
interface Exchange {

    /** A piece of the request body, its decoding already checked; the exchange owns (releases) it. */
    void content(HttpContent content);

    /** The client takes the answer again ({@code true}) or its buffer is full ({@code false}). */
    void clientWritable(boolean writable);

    /**
     * The exchange is over before its end: the client went away, its body was malformed or too slow.
     * Release everything; no answer is written by the exchange after this.
     */
    void abort();
}
