package org.patgate.server.config.internal;

import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.patgate.server.config.ConfigException;
import org.patgate.server.config.Setting;
import org.patgate.server.config.SettingType;

/**
 * Typed access to the merged settings (file + environment). A bad value becomes one problem line
 * ({@code key: reason, got 'value' (origin)}) and the default is returned so reading continues and
 * every problem is reported in one go. Secret values are never echoed. Not thread-safe; one per load.
 */
final class ConfigReader {

    /** A raw value and where it came from ("patgate.yml line 3", "PATGATE_LISTEN_PORT"). */
    record RawValue(YamlTree value, String origin) {}

    private final Map<String, RawValue> settings;
    private final List<String> problems;

    ConfigReader(Map<String, RawValue> settings, List<String> problems) {
        this.settings = settings;
        this.problems = problems;
    }

    String text(String key, String fallback, Consumer<String> rule) {
        return scalar(key, fallback, text -> text, rule);
    }

    int integer(String key, int fallback, Consumer<Integer> rule) {
        return scalar(key, fallback, text -> parseInteger(text, rule), rule);
    }

    /** {@code true} or {@code false}, ignoring case; YAML 1.1's {@code yes}/{@code on} are refused, not guessed. */
    boolean bool(String key, boolean fallback) {
        return scalar(
                key,
                fallback,
                text -> switch (text.strip().toLowerCase(Locale.ROOT)) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new ConfigException("must be true or false");
                },
                value -> {});
    }

    Duration duration(String key, Duration fallback, Consumer<Duration> rule) {
        return scalar(key, fallback, Durations::parse, rule);
    }

    URI uri(String key, URI fallback, Consumer<URI> rule) {
        return scalar(
                key,
                fallback,
                text -> {
                    try {
                        return new URI(text.strip());
                    } catch (URISyntaxException e) {
                        throw new ConfigException("must be an absolute http(s) URL");
                    }
                },
                rule);
    }

    Path path(String key, Path fallback) {
        return scalar(
                key,
                fallback,
                text -> {
                    if (text.isBlank()) {
                        throw new ConfigException("must not be empty");
                    }
                    try {
                        return Path.of(text);
                    } catch (InvalidPathException e) {
                        throw new ConfigException("must be a valid file path");
                    }
                },
                path -> {});
    }

    /**
     * A declared setting's value, read by its type. A single value is checked against the setting's
     * rule here (the message shows the value); a list's items are, and the rule of the whole list is
     * its record's.
     */
    @SuppressWarnings("unchecked")
    <T> T read(Setting<?, T> setting, T fallback) {
        String key = setting.key();
        Consumer<Object> rule = (Consumer<Object>) setting.rule();
        return switch ((SettingType<?>) setting.type()) {
            case SettingType.Choice<?> choice -> scalar(key, fallback, text -> (T) choice.parse(text), value -> {});
            case SettingType.Texts texts -> (T) list(key, (List<String>) fallback, texts.itemRule());
            case SettingType.Text text -> (T) text(key, (String) fallback, rule::accept);
            case SettingType.Flag flag -> (T) (Boolean) bool(key, (Boolean) fallback);
            case SettingType.Int number -> (T) (Integer) integer(key, (Integer) fallback, rule::accept);
            case SettingType.Span span -> (T) duration(key, (Duration) fallback, rule::accept);
            case SettingType.Url url -> (T) uri(key, (URI) fallback, rule::accept);
            case SettingType.FilePath file -> (T) path(key, (Path) fallback);
        };
    }

    /** An enum written in lower case in YAML ({@code block}, {@code upstream-token}); matched ignoring case. */
    <E extends Enum<E>> E choice(String key, E fallback, Class<E> type) {
        SettingType.Choice<E> choice = new SettingType.Choice<>(type);
        return scalar(key, fallback, choice::parse, value -> {});
    }

    List<String> list(String key, List<String> fallback, Consumer<String> itemRule) {
        RawValue setting = settings.get(key);
        if (setting == null || setting.value() instanceof YamlTree.Null) {
            return fallback;
        }
        if (!(setting.value() instanceof YamlTree.Sequence sequence)) {
            problems.add(key + ": must be a list like [\"a\", \"b\"], got " + describe(key, setting.value())
                    + origin(setting));
            return fallback;
        }
        List<String> values = new ArrayList<>();
        int problemsBefore = problems.size();
        for (int i = 0; i < sequence.items().size(); i++) {
            String itemKey = key + "[" + i + "]";
            YamlTree item = sequence.items().get(i);
            if (!(item instanceof YamlTree.Scalar scalar)) {
                problems.add(itemKey + ": must be a single value, got " + YamlTree.kind(item) + origin(setting));
                continue;
            }
            try {
                itemRule.accept(scalar.text());
                values.add(scalar.text());
            } catch (ConfigException e) {
                problems.add(itemKey + ": " + e.getMessage() + ", got " + show(key, scalar.text()) + origin(setting));
            }
        }
        return problems.size() == problemsBefore ? List.copyOf(values) : fallback;
    }

    private <T> T scalar(String key, T fallback, Function<String, T> parse, Consumer<? super T> rule) {
        RawValue setting = settings.get(key);
        if (setting == null || setting.value() instanceof YamlTree.Null) {
            return fallback;
        }
        if (!(setting.value() instanceof YamlTree.Scalar scalar)) {
            problems.add(key + ": must be a single value, got " + YamlTree.kind(setting.value()) + origin(setting));
            return fallback;
        }
        try {
            T value = parse.apply(scalar.text());
            rule.accept(value);
            return value;
        } catch (ConfigException e) {
            boolean secret = ConfigKeys.byPath(key).map(ConfigKeys.Key::secret).orElse(true);
            problems.add(key + ": " + e.getMessage() + (secret ? "" : ", got " + show(key, scalar.text()))
                    + origin(setting));
            return fallback;
        }
    }

    /** Decimal only: YAML's 0x/0o/underscore forms are refused rather than silently reinterpreted. */
    private static int parseInteger(String text, Consumer<Integer> rule) {
        String trimmed = text.strip();
        if (!trimmed.matches("[+-]?\\d+")) {
            throw new ConfigException("must be an integer");
        }
        BigInteger value = new BigInteger(trimmed);
        if (value.bitLength() > 31) {
            // Beyond int: let the key's own range rule phrase the refusal.
            rule.accept(value.signum() > 0 ? Integer.MAX_VALUE : Integer.MIN_VALUE);
            throw new ConfigException("is too large");
        }
        return value.intValueExact();
    }

    private String describe(String key, YamlTree node) {
        return node instanceof YamlTree.Scalar scalar ? show(key, scalar.text()) : YamlTree.kind(node);
    }

    /** A value for a message: numbers bare, text quoted, control characters escaped, long text cut. */
    private static String show(String key, String text) {
        if (text.matches("-?\\d{1,30}")) {
            return text;
        }
        String shown = key.endsWith(".url") ? Masking.url(text) : text;
        if (shown.length() > 120) {
            shown = shown.substring(0, 120) + "...";
        }
        return "'"
                + shown.chars()
                        .mapToObj(
                                c -> Character.isISOControl(c) ? String.format("\\u%04x", c) : String.valueOf((char) c))
                        .collect(Collectors.joining())
                + "'";
    }

    private static String origin(RawValue setting) {
        return " (" + setting.origin() + ")";
    }
}
