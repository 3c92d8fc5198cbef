package org.patgate.server.config;

import java.util.List;
import org.patgate.core.PatgateException;

/**
 * The configuration is unusable: a value is malformed or out of range, a key or a {@code PATGATE_}
 * environment variable is unknown, or the pepper cannot be read. Thrown at start-up, never later.
 *
 * <p>The message holds one problem per line, each starting with the key path ({@code listen.port:
 * must be 0..65535, got 70000}). Values of secret keys are never echoed.
 */
public class ConfigException extends PatgateException {

    private final List<String> problems;

    public ConfigException(String problem) {
        super(problem);
        this.problems = List.of(problem);
    }

    public ConfigException(String problem, Throwable cause) {
        super(problem, cause);
        this.problems = List.of(problem);
    }

    /** All problems found while loading, reported together so one start attempt shows them all. */
    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** The individual problems, in the order they were found; never empty. */
    public List<String> problems() {
        return problems;
    }
}
