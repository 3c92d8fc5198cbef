/**
 * Benchmarks, not tests: JMH micro-benchmarks of the token check and the gateway decision, the
 * scale benchmark (a seeded H2 or embedded PostgreSQL store, token-check latency, start-up time)
 * and the report writers that turn results into the generated sections of
 * {@code docs/benchmarks.md}. Must not be part of the test run or of the server's jar; it measures
 * the real core and server classes, wired as the server wires them.
 *
 * <p>Floor: above the server, beside it: {@code patgate-bench} depends on {@code patgate-core} and
 * {@code patgate-server}, and nothing depends on it.
 */
package org.patgate.bench;
