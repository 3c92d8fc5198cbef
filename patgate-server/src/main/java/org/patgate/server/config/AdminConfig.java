package org.patgate.server.config;

import java.util.List;
import java.util.function.Function;
import org.patgate.server.config.internal.ConfigRules;

/**
 * Administration ({@code admin.*}): the directory group whose members are PATgate admins. Declares its
 * keys ({@link #KEYS}). Immutable.
 */
public record AdminConfig(String group) {

    public static final Setting<AdminConfig, String> GROUP = Setting.of(
            "admin.group",
            new SettingType.Text(),
            "patgate-admins",
            ConfigRules::name,
            AdminConfig::group,
            "The group whose members are PATgate admins.");
    /** Every {@code admin.*} key. */
    public static final List<Setting<AdminConfig, ?>> KEYS = List.of(GROUP);

    public AdminConfig {
        GROUP.require(group);
    }

    /** Builds the section from one value per key in {@link #KEYS}. */
    public static AdminConfig from(Function<? super Setting<AdminConfig, ?>, Object> values) {
        return new AdminConfig(GROUP.pick(values));
    }
}
