package org.patgate.server.settings.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.patgate.core.PatgateException;
import org.patgate.server.config.RestKeys;
import org.patgate.server.settings.RestSettings;

/**
 * The stored form of {@link RestSettings}: a JSON object with only the fields that are set, enums
 * by their configuration names. Reading is strict (an unknown field is an error, not ignored), so a
 * node never applies half of a document it does not fully understand. Thread-safe.
 */
public final class SettingsDocument {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private SettingsDocument() {}

    public static String write(RestSettings settings) {
        try {
            return MAPPER.writeValueAsString(settings.toWire());
        } catch (JsonProcessingException e) {
            throw new PatgateException("cannot write settings as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Parses and validates a stored document; throws when it is not valid settings. */
    public static RestSettings read(String document) {
        Map<String, Object> fields;
        try {
            fields = MAPPER.readValue(document, new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (JsonProcessingException e) {
            throw new PatgateException("stored settings are not readable: " + e.getOriginalMessage(), e);
        }
        if (fields == null) {
            throw new PatgateException("stored settings are not readable: not a JSON object");
        }
        for (String field : fields.keySet()) {
            if (RestKeys.byField(field).isEmpty()) {
                throw new PatgateException("stored settings are not readable: unknown field '" + field + "'");
            }
        }
        return RestSettings.fromWire(fields);
    }
}
