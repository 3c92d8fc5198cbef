package org.patgate.server.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.patgate.server.config.RestConfig;
import org.patgate.server.config.RestKeys;
import org.patgate.server.config.Setting;
import org.patgate.server.settings.RestSettings;

/**
 * Reads the {@code "rest"} object of {@code PUT /settings} by the {@link RestKeys} declarations: one
 * field per key, an enum as a string, a list as an array of strings, {@code null} for "follow the
 * configuration". It reads with the API's strict mapper, so an unknown field or a value of the wrong
 * JSON type fails as on any other body ({@code unknown field 'colour'}, {@code field 'rest.paths[1]'
 * has the wrong type or value}). Stateless and thread-safe.
 */
final class SettingsFields extends StdDeserializer<Map<String, Object>> {

    SettingsFields() {
        super(Map.class);
    }

    @Override
    public Map<String, Object> deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        if (!parser.isExpectedStartObjectToken()) {
            return castToMap(context.handleUnexpectedToken(Map.class, parser));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
            Setting<RestConfig, ?> setting = RestKeys.byField(name).orElse(null);
            if (setting == null) {
                throw UnrecognizedPropertyException.from(parser, Map.class, name, new ArrayList<>(RestSettings.FIELDS));
            }
            if (parser.nextToken() == JsonToken.VALUE_NULL) {
                fields.put(name, null);
                continue;
            }
            try {
                fields.put(name, context.readValue(parser, javaType(context, setting)));
            } catch (JsonMappingException e) {
                throw JsonMappingException.wrapWithPath(e, fields, name);
            }
        }
        return fields;
    }

    private static JavaType javaType(DeserializationContext context, Setting<?, ?> setting) {
        return setting.type().list()
                ? context.getTypeFactory().constructCollectionType(List.class, String.class)
                : context.constructType(String.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castToMap(Object value) {
        return (Map<String, Object>) value;
    }
}
