/**
 * The {@code rest.*} settings in force on this node ({@link SettingsService}): the configuration's
 * values overridden by what administrators stored ({@link RestSettings}), refreshed from the store
 * so every node follows, and compiled into the gateway's {@link RestRules}. Must not speak HTTP; a
 * value the configuration would refuse is refused here too, never clamped.
 *
 * <p>Floor: services ({@code audit}, {@code directory}, {@code permission}, {@code policy},
 * {@code token}, {@code activity} and {@code settings}): it may use the foundation and other
 * service packages without a cycle, never an edge or launch package and never Jetty's server or
 * HTTP classes; the edge and launch floors use it.
 */
package org.patgate.server.settings;
