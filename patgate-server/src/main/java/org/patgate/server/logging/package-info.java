/**
 * Logback converters for {@code %msg} and {@code %ex} that escape control, line-separator and
 * bidirectional characters, so client data in a log message can never forge a log line. Must not
 * decide what is logged; it only makes whatever is logged safe to read.
 *
 * <p>Floor: foundation, the bottom floor of the server ({@code store}, {@code config},
 * {@code error}, {@code principal} and {@code logging}): it may use only other foundation packages
 * without a cycle, {@code patgate-core} and libraries, never Jetty's server or HTTP classes; every
 * floor above may use it.
 */
package org.patgate.server.logging;
