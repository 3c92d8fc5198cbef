/**
 * The stored JSON form of the runtime settings ({@link SettingsDocument}), read strictly so a node
 * never applies half a document. Part of its parent package and on its floor; no other package
 * imports it.
 *
 * <p>Floor: services ({@code audit}, {@code directory}, {@code permission}, {@code policy},
 * {@code token}, {@code activity} and {@code settings}): it may use the foundation and other
 * service packages without a cycle, never an edge or launch package and never Jetty's server or
 * HTTP classes; the edge and launch floors use it.
 */
package org.patgate.server.settings.internal;
