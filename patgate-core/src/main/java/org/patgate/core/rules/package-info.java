/**
 * A token's fine-grained method/path rules ({@link TokenRules}, {@link MethodPathRule}) and the
 * ready-made presets for Jira, Confluence and Bitbucket ({@link RulePresets}). Must not know how
 * rules are stored or sent (their JSON belongs to the server's {@code token} package).
 *
 * <p>Floor: {@code patgate-core}, below the whole server: it depends on the JDK alone (no server
 * package, no Jetty, no JDBC, no Jackson) and its packages form no cycle. Uses
 * {@code org.patgate.core.decision} and {@code org.patgate.core.path}.
 */
package org.patgate.core.rules;
