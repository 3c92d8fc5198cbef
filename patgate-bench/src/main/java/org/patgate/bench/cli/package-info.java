/**
 * The benchmark scripts' command line ({@link BenchCommand}): report writing and the scale
 * benchmark, called by the shell scripts that run JMH and the load harness. Must not hold
 * measuring code of its own.
 *
 * <p>Floor: the top of {@code patgate-bench}; it uses {@code org.patgate.bench}, nothing uses it.
 */
package org.patgate.bench.cli;
