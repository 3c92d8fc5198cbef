package org.patgate.server.settings;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.patgate.server.config.ConfigException;
import org.patgate.server.config.RestConfig;
import org.patgate.server.config.RestKeys;
import org.patgate.server.config.Setting;

/**
 * The {@code rest.*} settings an administrator set at runtime: a value for some of the
 * {@link RestKeys}. A key without a value follows the configuration file; one with a value overrides
 * it (see {@link #over}). Values have the meaning and rules of the configuration keys: a value the
 * configuration would refuse is refused here, with every offending key named at once
 * ({@code rest.paths[2]}: {@link InvalidSettingsException}). Immutable (lists are copied) and thread-safe.
 *
 * @param values the value of each key that is set, in {@link RestKeys#ALL} order
 */
public record RestSettings(Map<Setting<RestConfig, ?>, Object> values) {

    /** Nothing set: everything follows the configuration. */
    public static final RestSettings NONE = new RestSettings(Map.of());

    /** The field names, in the order of {@link RestKeys#ALL}; the keys under {@code rest.}. */
    public static final List<String> FIELDS =
            RestKeys.ALL.stream().map(Setting::field).toList();

    public RestSettings {
        Map<String, String> errors = new LinkedHashMap<>();
        Map<Setting<RestConfig, ?>, Object> checked = new LinkedHashMap<>();
        for (Setting<RestConfig, ?> setting : RestKeys.ALL) {
            Object value = values.get(setting);
            if (value != null) {
                check(setting, value, errors).ifPresent(copy -> checked.put(setting, copy));
            }
        }
        for (Setting<RestConfig, ?> setting : values.keySet()) {
            if (!RestKeys.ALL.contains(setting)) {
                throw new IllegalArgumentException("not a rest.* setting: " + setting.key());
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidSettingsException(errors);
        }
        values = Collections.unmodifiableMap(checked);
    }

    /**
     * Settings as they arrive over the wire (the API, the UI's form, the stored document): field name
     * ({@code passwordAuth}) to value, enums by their configuration names ({@code block}, {@code allow},
     * {@code deny}; case ignored), {@code null} or absent for "follow the configuration". Every
     * problem is reported in one exception, keyed by configuration key in {@link RestKeys#ALL} order.
     */
    public static RestSettings fromWire(Map<String, ?> wire) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (String field : wire.keySet()) {
            if (RestKeys.byField(field).isEmpty()) {
                errors.put("rest." + field, "unknown setting");
            }
        }
        Map<Setting<RestConfig, ?>, Object> values = new LinkedHashMap<>();
        for (Setting<RestConfig, ?> setting : RestKeys.ALL) {
            Object raw = wire.get(setting.field());
            if (raw == null) {
                continue;
            }
            try {
                Object value = setting.type().fromWire(raw);
                check(setting, value, errors).ifPresent(copy -> values.put(setting, copy));
            } catch (ConfigException e) {
                errors.put(setting.key(), e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidSettingsException(errors);
        }
        return new RestSettings(values);
    }

    /** These settings with {@code setting} set to {@code value} ({@code null}: following the configuration). */
    public <T> RestSettings with(Setting<RestConfig, T> setting, T value) {
        Map<Setting<RestConfig, ?>, Object> changed = new LinkedHashMap<>(values);
        if (value == null) {
            changed.remove(setting);
        } else {
            changed.put(setting, value);
        }
        return new RestSettings(changed);
    }

    /** The value of {@code setting} here, or {@code null} when it follows the configuration. */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<RestConfig, T> setting) {
        return (T) values.get(setting);
    }

    /** Whether {@code setting} is set here rather than following the configuration. */
    public boolean isSet(Setting<RestConfig, ?> setting) {
        return values.containsKey(setting);
    }

    /** The values that are set, as the wire carries them: field name to value, in {@link RestKeys#ALL} order. */
    public Map<String, Object> toWire() {
        Map<String, Object> wire = new LinkedHashMap<>();
        values.forEach((setting, value) -> wire.put(setting.field(), wireValue(setting, value)));
        return wire;
    }

    /** The configuration with every value that is set here put in its place. */
    public RestConfig over(RestConfig config) {
        return RestConfig.from(setting -> values.containsKey(setting) ? values.get(setting) : setting.valueIn(config));
    }

    /** Records the first problem of a value under its key, or gives the value as held (lists copied). */
    @SuppressWarnings("unchecked")
    private static <T> Optional<Object> check(
            Setting<RestConfig, T> setting, Object value, Map<String, String> errors) {
        T typed = (T) value;
        Optional<Setting.Problem> problem = setting.problem(typed);
        if (problem.isPresent()) {
            errors.put(problem.get().key(), problem.get().reason());
            return Optional.empty();
        }
        return Optional.of(setting.type().copy(typed));
    }

    @SuppressWarnings("unchecked")
    private static <T> Object wireValue(Setting<RestConfig, T> setting, Object value) {
        return setting.toWire((T) value);
    }
}
