/**
 * The CLI's HTTP client of the management API ({@link ApiClient}): Basic authentication, JSON in
 * and out, problem+json answers turned into one-line errors. Must not be used by anything but the
 * commands. Part of its parent package and on its floor; no other package imports it.
 *
 * <p>Floor: launch, the top floor ({@code app}, {@code cli} and {@code demo}): it may use every
 * floor below it, and no package may depend on it.
 */
package org.patgate.server.cli.internal;
