/**
 * Shared HTTP plumbing of the API, the UI and the gateway: the one strict JSON mapper
 * ({@link Json}), RFC 9457 problem details ({@link Problem}), the one table from exceptions to
 * problem answers ({@link Problems}), one management API call ({@link Exchange}), the client
 * address behind trusted proxies ({@link ClientAddressResolver}) and what an answer that never uses
 * the request body does with it ({@link UnusedBody}). Must not route, authenticate or
 * decide: it holds no knowledge of resources, users or tokens, and the exception mapping is
 * written here once.
 *
 * <p>Floor: edge ({@code http}, {@code auth}, {@code gateway}, {@code identity}, {@code api} and
 * {@code ui}): it may use the services and the foundation below it and other edge packages without
 * a cycle; only the launch floor may use it. The lowest edge package: the other edge packages use
 * it, it uses none of them.
 */
package org.patgate.server.http;
