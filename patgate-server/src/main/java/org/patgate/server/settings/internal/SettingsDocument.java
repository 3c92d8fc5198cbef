package org.patgate.server.settings.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import org.patgate.core.PatgateException;
import org.patgate.server.settings.RestSettings;

/**
 * The stored form of {@link RestSettings}: a JSON object with only the fields that are set, enums
 * by their configuration names. Reading is strict (an unknown field is an error, not ignored), so a
 * node never applies half of a document it does not fully understand. Thread-safe.
 */
public final class SettingsDocument {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private SettingsDocument() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Rest(String passwordAuth, List<String> paths, List<String> readOnlyPosts, String anonymous,
            List<String> passwordExemptUsers, List<String> passwordExemptGroups, List<String> allowedIps,
            List<String> sessionCookies) {}

    public static String write(RestSettings settings) {
        try {
            return MAPPER.writeValueAsString(new Rest(RestSettings.wireName(settings.passwordAuth()), settings.paths(),
                    settings.readOnlyPosts(), RestSettings.wireName(settings.anonymous()),
                    settings.passwordExemptUsers(), settings.passwordExemptGroups(), settings.allowedIps(),
                    settings.sessionCookies()));
        } catch (JsonProcessingException e) {
            throw new PatgateException("cannot write settings as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Parses and validates a stored document; throws when it is not valid settings. */
    public static RestSettings read(String document) {
        Rest rest;
        try {
            rest = MAPPER.readValue(document, Rest.class);
        } catch (JsonProcessingException e) {
            throw new PatgateException("stored settings are not readable: " + e.getOriginalMessage(), e);
        }
        return RestSettings.fromWire(rest.passwordAuth(), rest.paths(), rest.readOnlyPosts(), rest.anonymous(),
                rest.passwordExemptUsers(), rest.passwordExemptGroups(), rest.allowedIps(), rest.sessionCookies());
    }
}
