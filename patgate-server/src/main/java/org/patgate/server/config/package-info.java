/**
 * The configuration of one node: {@link PatgateConfig} and one record per section, loaded once at
 * start from YAML and {@code PATGATE_*} environment variables, validated (every problem named by
 * its key, in one {@link ConfigException}) and then frozen; the LDAP settings, the upstream
 * product's defaults and where the token pepper comes from ({@link PepperSource}). Must not clamp
 * a bad value, echo a secret, or change after start (runtime changes of {@code rest.*} belong to
 * {@code settings}).
 *
 * <p>Floor: foundation, the bottom floor of the server ({@code store}, {@code config},
 * {@code error}, {@code principal} and {@code logging}): it may use only other foundation packages
 * without a cycle, {@code patgate-core} and libraries, never Jetty's server or HTTP classes; every
 * floor above may use it.
 */
package org.patgate.server.config;
