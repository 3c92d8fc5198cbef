package org.patgate.server.api.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.patgate.server.permission.Permissions;

/**
 * Whom a permission or policy route is about: {@code .../everyone} or {@code .../groups/{name}}.
 *
 * @param key   the group key: a group name, or {@link Permissions#EVERYONE}
 * @param shown how answers name it: the group name, or {@code everyone}
 */
public record GroupTarget(String key, String shown) {

    /** The target of {@code segments} ({@code [resource, "everyone"]} or {@code [resource, "groups", name]}), or null. */
    public static GroupTarget of(List<String> segments) {
        if (segments.size() == 2 && segments.get(1).equals("everyone")) {
            return new GroupTarget(Permissions.EVERYONE, "everyone");
        }
        if (segments.size() == 3 && segments.get(1).equals("groups")) {
            String name = URLDecoder.decode(segments.get(2), StandardCharsets.UTF_8);
            return new GroupTarget(name, name);
        }
        return null;
    }
}
