package org.patgate.server.config;

import org.patgate.server.config.internal.ConfigRules;

/** Administration ({@code admin.*}): the directory group whose members are PATgate admins. Immutable. */
public record AdminConfig(String group) {

    public AdminConfig {
        ConfigRules.require("admin.group", group, ConfigRules::name);
    }
}
