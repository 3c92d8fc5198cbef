package org.patgate.server.policy;

import java.util.List;

/**
 * The notification rules of the policies that apply to one token owner, combined: the owner is
 * reminded at every {@code reminderDays} any of their policies names (the union, largest first; the
 * default {@link Policy#DEFAULT_REMINDER_DAYS} when none names any), and an unused token is revoked
 * after the smallest {@code revokeUnusedAfterDays} any of them sets (null = never). Immutable.
 */
public record NoticeRules(List<Integer> reminderDays, Integer revokeUnusedAfterDays) {

    public static final NoticeRules DEFAULT = new NoticeRules(Policy.DEFAULT_REMINDER_DAYS, null);

    public NoticeRules {
        reminderDays = List.copyOf(reminderDays);
    }
}
