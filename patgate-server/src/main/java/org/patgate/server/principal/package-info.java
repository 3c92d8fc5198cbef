/**
 * Who a caller is once authenticated: {@link Principal} (user, groups, permissions) and the
 * {@link Permission}s groups are granted. Values only: must not look anything up or decide on its
 * own who holds what (the directory and the permission service do).
 *
 * <p>Floor: foundation, the bottom floor of the server ({@code store}, {@code config},
 * {@code error}, {@code principal} and {@code logging}): it may use only other foundation packages
 * without a cycle, {@code patgate-core} and libraries, never Jetty's server or HTTP classes; every
 * floor above may use it. Uses {@code error}.
 */
package org.patgate.server.principal;
