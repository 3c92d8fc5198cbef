package org.patgate.server.store;

import org.patgate.core.PatgateException;

/**
 * A user to create. {@code username} must be unique ignoring case; {@code source} is
 * {@value #SOURCE_LOCAL} or {@value #SOURCE_LDAP}; {@code displayName}, {@code email} and
 * {@code passwordHash} may be null. {@link #toString()} never prints the password hash.
 */
public record NewUser(
        String username, String displayName, String email, String passwordHash, String source, boolean enabled) {

    public static final String SOURCE_LOCAL = "local";
    public static final String SOURCE_LDAP = "ldap";

    public NewUser {
        requireText("username", username, 255);
        requireLength("displayName", displayName, 255);
        requireLength("email", email, 320);
        requireLength("passwordHash", passwordHash, 255);
        if (!SOURCE_LOCAL.equals(source) && !SOURCE_LDAP.equals(source)) {
            throw new PatgateException("user source must be 'local' or 'ldap' but was '" + source + "'");
        }
    }

    static void requireText(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            throw new PatgateException(field + " must not be blank");
        }
        requireLength(field, value, maxLength);
    }

    static void requireLength(String field, String value, int maxLength) {
        if (value != null && value.length() > maxLength) {
            // the value itself is not echoed: it may be a hash or otherwise sensitive
            throw new PatgateException(field + " is longer than " + maxLength + " characters (" + value.length() + ")");
        }
    }

    @Override
    public String toString() {
        return "NewUser[username=" + username + ", displayName=" + displayName + ", email=" + email
                + ", passwordHash=" + (passwordHash == null ? "null" : "***") + ", source=" + source
                + ", enabled=" + enabled + "]";
    }
}
