/**
 * JDBC helpers for the store package; not for use elsewhere.
 *
 * <p>Floor: part of {@code store}, on the foundation floor; no other package imports it.
 */
package org.patgate.server.store.internal;
