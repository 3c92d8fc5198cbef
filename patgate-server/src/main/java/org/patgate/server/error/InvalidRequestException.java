package org.patgate.server.error;

import java.util.List;
import java.util.Map;
import org.patgate.core.PatgateException;

/**
 * The caller sent something we refuse: a missing or malformed field, an unknown option, a value out
 * of range. Answered as 400 problem+json; {@link #fieldErrors()} name each offending field.
 */
public class InvalidRequestException extends PatgateException {

    private final Map<String, String> fieldErrors;

    public InvalidRequestException(String message) {
        this(message, Map.of());
    }

    public InvalidRequestException(String message, Map<String, String> fieldErrors) {
        super(message);
        this.fieldErrors = Map.copyOf(fieldErrors);
    }

    /** Field name to problem, for a client to show beside its inputs. */
    public Map<String, String> fieldErrors() {
        return fieldErrors;
    }

    /** Builds one exception for all problems found, so a caller fixes them in one round. */
    public static InvalidRequestException of(Map<String, String> fieldErrors) {
        List<String> lines = fieldErrors.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue())
                .toList();
        return new InvalidRequestException(String.join("; ", lines), fieldErrors);
    }
}
