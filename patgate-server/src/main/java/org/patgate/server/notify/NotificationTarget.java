package org.patgate.server.notify;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import org.patgate.server.error.InvalidRequestException;

/**
 * Where a group's notices go besides the owners' own addresses, as an administrator sets it: an
 * e-mail address and/or a webhook URL (null = none) with the secret that signs its calls. The secret
 * is write-only: reading a target says only whether one is set. Immutable; validated in the
 * constructor. {@link #toString()} never prints the secret.
 */
public record NotificationTarget(String email, String webhookUrl, String webhookSecret) {

    public NotificationTarget {
        email = blankToNull(email);
        webhookUrl = blankToNull(webhookUrl);
        webhookSecret = blankToNull(webhookSecret);
        if (email == null && webhookUrl == null) {
            throw new InvalidRequestException(
                    "give an email and/or a webhookUrl (delete the target to remove both)",
                    Map.of("email", "required without webhookUrl"));
        }
        if (email != null && !email.matches("[^@\\s<>\",;]{1,64}@[A-Za-z0-9.-]{1,253}")) {
            throw new InvalidRequestException(
                    "email: must be one address like team@example.com", Map.of("email", "not an e-mail address"));
        }
        if (webhookUrl != null) {
            requireHttpUrl(webhookUrl);
        }
        if (webhookSecret != null
                && (webhookSecret.length() < 16
                        || webhookSecret.length() > 255
                        || webhookSecret.chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
            // Never echo the secret itself.
            throw new InvalidRequestException(
                    "webhookSecret: must be 16 to 255 printable ASCII characters without spaces",
                    Map.of("webhookSecret", "16 to 255 printable ASCII characters"));
        }
    }

    private static void requireHttpUrl(String url) {
        String problem = null;
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                problem = "must be an absolute http(s) URL";
            } else if (uri.getRawUserInfo() != null) {
                problem = "must not contain credentials (use webhookSecret)";
            } else if (url.length() > 2000) {
                problem = "at most 2000 characters";
            }
        } catch (Exception e) {
            problem = "must be an absolute http(s) URL";
        }
        if (problem != null) {
            throw new InvalidRequestException("webhookUrl: " + problem, Map.of("webhookUrl", problem));
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    @Override
    public String toString() {
        return "NotificationTarget[email=" + email + ", webhookUrl=" + webhookUrl + ", webhookSecret="
                + (webhookSecret == null ? "none" : "******") + "]";
    }
}
