/**
 * The {@code patgate} command line (picocli): {@link Main} and one command per subject.
 * {@code serve} and {@code demo} start a node, {@code config} checks or prints a configuration;
 * the token, user, permission, policy, settings, approval, audit and directory commands are
 * clients of a running server's management API. Must not open a running server's database:
 * commands work against any node through the API, and a password never comes from the command
 * line.
 *
 * <p>Floor: launch, the top floor ({@code app}, {@code cli} and {@code demo}): it may use every
 * floor below it, and no package may depend on it.
 */
package org.patgate.server.cli;
