/**
 * What {@code patgate demo} adds to a normal node: demo users and tokens with fresh passwords
 * ({@link DemoSetup}) and a loopback echo upstream that shows what PATgate forwards
 * ({@link EchoUpstream}). Must not be part of a production start: only the demo command uses it.
 *
 * <p>Floor: launch, the top floor ({@code app}, {@code cli} and {@code demo}): it may use every
 * floor below it, and no package may depend on it.
 */
package org.patgate.server.demo;
