/**
 * What tokens are used for: {@link ActivityRecorder} takes {@link TokenUseEvent}s from the gateway
 * into a bounded queue (a full queue drops and counts, never blocks) and writes them in batches
 * from one background thread; {@link TokenActivity} reads a token's recent requests and hourly
 * counts for its owner or an admin. Must not block or write synchronously on the request path, or
 * keep a token or a query string.
 *
 * <p>Floor: services ({@code audit}, {@code directory}, {@code permission}, {@code policy},
 * {@code token}, {@code activity} and {@code settings}): it may use the foundation and other
 * service packages without a cycle, never an edge or launch package and never Jetty's server or
 * HTTP classes; the edge and launch floors use it.
 */
package org.patgate.server.activity;
