/**
 * Small pieces the API's resources share, such as whom a permission or policy route is about
 * ({@link GroupTarget}). Part of its parent package and on its floor; no other package imports it.
 *
 * <p>Floor: edge ({@code http}, {@code auth}, {@code gateway}, {@code identity}, {@code api} and
 * {@code ui}): it may use the services and the foundation below it and other edge packages without
 * a cycle; only the launch floor may use it.
 */
package org.patgate.server.api.internal;
