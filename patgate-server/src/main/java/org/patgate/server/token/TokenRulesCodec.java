package org.patgate.server.token;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.patgate.core.PatgateException;
import org.patgate.core.path.PathPattern;
import org.patgate.core.rules.MethodPathRule;
import org.patgate.core.rules.RulePresets;
import org.patgate.core.rules.TokenRules;
import org.patgate.server.error.InvalidRequestException;

/**
 * Turns token rules into the JSON the API and the database use, and back:
 * {@code {"preset":"jira-read-issues-and-search","allow":[{"methods":["GET"],"path":"/rest/api/2/issue/**"}],
 * "deny":[...]}}. A preset in a request is expanded into its rules (plus any explicit ones), so what
 * is stored is exactly what is enforced. Thread-safe.
 */
public final class TokenRulesCodec {

    /**
     * The stored form's own mapper: strict (unknown fields, duplicate keys, trailing data fail), so
     * that a document this version does not fully understand refuses everything.
     */
    private static final ObjectMapper STORED = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** One rule as JSON. */
    public record RuleJson(List<String> methods, String path) {}

    /** A rules document as JSON. */
    public record RulesJson(String preset, List<RuleJson> allow, List<RuleJson> deny) {}

    private TokenRulesCodec() {}

    /** Validates and expands a request's rules; null means none. Problems name the field. */
    public static TokenRules fromRequest(RulesJson json) {
        if (json == null) {
            return TokenRules.NONE;
        }
        List<MethodPathRule> allow = new ArrayList<>();
        String preset = json.preset();
        if (preset != null) {
            TokenRules expanded = RulePresets.named(preset)
                    .orElseThrow(() -> new InvalidRequestException(
                            "rules.preset: unknown preset '" + preset + "'; known: "
                                    + String.join(", ", RulePresets.all().keySet()),
                            Map.of("rules.preset", "unknown preset")));
            allow.addAll(expanded.allow());
        }
        allow.addAll(rules("rules.allow", json.allow()));
        List<MethodPathRule> deny = rules("rules.deny", json.deny());
        return new TokenRules(preset, allow, deny);
    }

    private static List<MethodPathRule> rules(String field, List<RuleJson> list) {
        List<MethodPathRule> rules = new ArrayList<>();
        if (list == null) {
            return rules;
        }
        if (list.size() > 100) {
            throw new InvalidRequestException(field + ": at most 100 rules", Map.of(field, "at most 100 rules"));
        }
        for (int i = 0; i < list.size(); i++) {
            RuleJson rule = list.get(i);
            String at = field + "[" + i + "]";
            if (rule == null || rule.path() == null) {
                throw new InvalidRequestException(at + ".path: required", Map.of(at + ".path", "required"));
            }
            try {
                Set<String> methods = new LinkedHashSet<>(rule.methods() == null ? List.of() : rule.methods());
                rules.add(new MethodPathRule(methods, PathPattern.parse(rule.path())));
            } catch (PatgateException e) {
                throw new InvalidRequestException(at + ": " + e.getMessage(), Map.of(at, e.getMessage()));
            }
        }
        return rules;
    }

    /** The stored form; null for no rules. */
    public static String toJson(TokenRules rules) {
        if (rules == null || rules.isEmpty()) {
            return null;
        }
        return write(toView(rules));
    }

    private static String write(RulesJson view) {
        try {
            return STORED.writeValueAsString(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise token rules", e);
        }
    }

    /** Rules as the API shows them; null for none. */
    public static RulesJson toView(TokenRules rules) {
        if (rules == null || rules.isEmpty()) {
            return null;
        }
        return new RulesJson(rules.preset(), views(rules.allow()), views(rules.deny()));
    }

    /** Reads the stored form; a document that no longer parses refuses everything (fail closed). */
    public static TokenRules fromStored(String json) {
        if (json == null || json.isEmpty()) {
            return TokenRules.NONE;
        }
        try {
            RulesJson parsed = STORED.readValue(json, RulesJson.class);
            return new TokenRules(parsed.preset(), rules("allow", parsed.allow()), rules("deny", parsed.deny()));
        } catch (JsonProcessingException | RuntimeException e) {
            return new TokenRules(null, List.of(), List.of(MethodPathRule.of("/**")));
        }
    }

    private static List<RuleJson> views(List<MethodPathRule> rules) {
        return rules.stream()
                .map(r -> new RuleJson(
                        r.methods().stream().sorted().toList(), r.path().toString()))
                .toList();
    }
}
