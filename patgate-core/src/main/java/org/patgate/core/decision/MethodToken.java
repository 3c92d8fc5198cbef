package org.patgate.core.decision;

/** Validates HTTP request methods. Stateless and thread-safe. */
public final class MethodToken {

    // RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
    // / DIGIT / ALPHA
    private static final boolean[] TCHAR = new boolean[128];

    static {
        String tchars = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        for (int i = 0; i < tchars.length(); i++) {
            TCHAR[tchars.charAt(i)] = true;
        }
    }

    private MethodToken() {}

    /** Whether {@code method} is a non-empty RFC 9110 token (RFC 9110 §9.1: method = token). */
    public static boolean isValid(String method) {
        if (method == null || method.isEmpty()) {
            return false;
        }
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (c >= 128 || !TCHAR[c]) {
                return false;
            }
        }
        return true;
    }
}
