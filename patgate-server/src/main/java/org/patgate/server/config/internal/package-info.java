/**
 * How the configuration is read and checked: the YAML tree that keeps source text, the loader and
 * typed reader, the list of every key with its environment variable ({@link ConfigKeys}), the
 * shared validation and trust rules, durations, and masking for printing. Part of its parent
 * package and on its floor; no other package imports it.
 *
 * <p>Floor: foundation, the bottom floor of the server ({@code store}, {@code config},
 * {@code error}, {@code principal} and {@code logging}): it may use only other foundation packages
 * without a cycle, {@code patgate-core} and libraries, never Jetty's server or HTTP classes; every
 * floor above may use it.
 */
package org.patgate.server.config.internal;
