package org.patgate.server.directory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.patgate.core.text.UnsafeText;

/**
 * The rules for what users type about users: user and group names, e-mail addresses, display
 * names, password lengths; and how their input is echoed back in messages. Stateless.
 */
final class UserInput {

    static final int MIN_PASSWORD_LENGTH = 12;
    private static final int MAX_PASSWORD_LENGTH = 1024;
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._ -]{0,63}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}");

    private UserInput() {}

    /** What is wrong with a new user, by field; empty when nothing is. */
    static Map<String, String> errors(NewUserRequest request) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (request.username() == null || !USERNAME.matcher(request.username()).matches()) {
            errors.put(
                    "username",
                    "required; 1-64 characters of letters, digits, '.', '_', '@', '-', "
                            + "starting with a letter or digit");
        }
        passwordErrors(request.password(), "password", errors);
        profileErrors(request.displayName(), request.email(), request.groups(), errors);
        return errors;
    }

    /** What is wrong with a change to a user, by field; empty when nothing is. */
    static Map<String, String> errors(UserChange change) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (change.password() != null) {
            passwordErrors(change.password(), "password", errors);
        }
        profileErrors(
                change.displayName(), change.email(), change.groups() == null ? List.of() : change.groups(), errors);
        return errors;
    }

    static void passwordErrors(char[] password, String field, Map<String, String> errors) {
        if (password == null || password.length < MIN_PASSWORD_LENGTH) {
            errors.put(field, "required; at least " + MIN_PASSWORD_LENGTH + " characters");
        } else if (password.length > MAX_PASSWORD_LENGTH) {
            errors.put(field, "at most " + MAX_PASSWORD_LENGTH + " characters");
        }
    }

    private static void profileErrors(
            String displayName, String email, List<String> groups, Map<String, String> errors) {
        if (displayName != null && displayName.length() > 255) {
            errors.put("displayName", "at most 255 characters");
        } else if (UnsafeText.firstUnsafe(displayName) != null) {
            errors.put(
                    "displayName",
                    "no control or bidirectional formatting characters (found " + UnsafeText.firstUnsafe(displayName)
                            + ")");
        }
        if (email != null && !email.isEmpty() && !EMAIL.matcher(email).matches()) {
            errors.put("email", "not an email address");
        }
        for (String group : groups) {
            if (group == null || !GROUP_NAME.matcher(group).matches()) {
                errors.put("groups", "group names are 1-64 letters, digits, '.', '_', ' ', '-': '" + safe(group) + "'");
            }
        }
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Echoes user input into messages only in a bounded, printable form. */
    static String safe(String value) {
        if (value == null) {
            return "";
        }
        String printable = value.codePoints()
                .filter(c -> !UnsafeText.isUnsafe(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return printable.length() > 64 ? printable.substring(0, 64) + "…" : printable;
    }
}
