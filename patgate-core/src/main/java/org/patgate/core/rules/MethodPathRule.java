package org.patgate.core.rules;

import java.util.Locale;
import java.util.Set;
import org.patgate.core.PatgateException;
import org.patgate.core.decision.MethodToken;
import org.patgate.core.path.PathPattern;

/**
 * One line of a token's rules: these methods (empty = any method) on paths matching this pattern,
 * matched against the normalised path. A rule that lists {@code GET} also covers {@code HEAD}
 * (RFC 9110 §9.3.2: HEAD is GET without the body). Methods are case-sensitive, as in HTTP.
 */
public record MethodPathRule(Set<String> methods, PathPattern path) {

    public MethodPathRule {
        methods = Set.copyOf(methods);
        for (String method : methods) {
            if (!MethodToken.isValid(method) || !method.equals(method.toUpperCase(Locale.ROOT))) {
                throw new PatgateException("rule method '" + method + "' is not an upper-case HTTP method");
            }
        }
        if (path == null) {
            throw new PatgateException("a rule needs a path pattern");
        }
    }

    public static MethodPathRule of(String path, String... methods) {
        return new MethodPathRule(Set.of(methods), PathPattern.parse(path));
    }

    /** Whether the request is covered by this rule. */
    public boolean matches(String method, String normalizedPath) {
        boolean methodMatches =
                methods.isEmpty() || methods.contains(method) || (method.equals("HEAD") && methods.contains("GET"));
        return methodMatches && path.matches(normalizedPath);
    }
}
