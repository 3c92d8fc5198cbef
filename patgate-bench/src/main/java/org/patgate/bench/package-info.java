/**
 * Benchmarks, not tests: JMH micro-benchmarks of the token check and the gateway decision, the
 * scale benchmark (a seeded H2 or embedded PostgreSQL store, token-check latency, start-up time)
 * and the report writers that turn results into the generated sections of
 * {@code docs/benchmarks.md}. Must not run its benchmarks as tests (its own tests only check the
 * harness and the reports) or end up in the server's jar; it measures the real core and server
 * classes, wired as the server wires them.
 *
 * <p>Floor: outside the server's floors, on top of both modules: {@code patgate-bench} depends on
 * {@code patgate-core} and {@code patgate-server}, and nothing depends on it.
 */
package org.patgate.bench;
