package org.patgate.server.cli;

import org.patgate.core.PatgateException;

/** The CLI's way to name whom a permission or policy applies to: {@code everyone} or a group name. */
final class GroupTarget {

    private GroupTarget() {}

    /** The API path segment(s) for a target: {@code everyone} or {@code groups/<name>}. */
    static String path(String target) {
        if (target == null || target.isBlank()) {
            throw new PatgateException("name a group, or 'everyone'");
        }
        return target.equals("everyone") ? "everyone" : "groups/" + TokenCommand.encode(target);
    }
}
