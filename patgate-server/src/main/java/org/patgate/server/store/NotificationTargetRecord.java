package org.patgate.server.store;

/**
 * Where a group's notices go besides the owners' own addresses ({@code notification_targets};
 * group key {@code "*"} = everyone): an e-mail address and/or a webhook with the secret that signs
 * it, as stored (encrypted by the notify package; in plain when an earlier version stored it and no
 * node has encrypted it yet); null = none. {@link #toString()} never prints the secret. Immutable.
 */
public record NotificationTargetRecord(String groupKey, String email, String webhookUrl, String webhookSecret) {

    @Override
    public String toString() {
        return "NotificationTargetRecord[groupKey=" + groupKey + ", email=" + email + ", webhookUrl=" + webhookUrl
                + ", webhookSecret=" + (webhookSecret == null ? "none" : "******") + "]";
    }
}
