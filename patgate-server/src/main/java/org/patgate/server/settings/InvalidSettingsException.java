package org.patgate.server.settings;

import java.util.Map;
import org.patgate.server.error.InvalidRequestException;

/**
 * Settings an administrator sent break a rule; {@link #fieldErrors()} names every offending field
 * (answered as 400, nothing is changed). Messages quote the rule, and never a secret (settings hold none).
 */
public final class InvalidSettingsException extends InvalidRequestException {

    InvalidSettingsException(Map<String, String> fieldErrors) {
        super(InvalidRequestException.of(fieldErrors).getMessage(), fieldErrors);
    }
}
