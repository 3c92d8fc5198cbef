package org.patgate.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.patgate.server.config.internal.Durations;

/**
 * The type of a {@link Setting}'s value: how it is read from text (the configuration file, an
 * environment variable) and from JSON (the API, stored settings), how it is written back, and which
 * rule each list item must pass. Immutable and thread-safe.
 *
 * @param <T> the value's Java type
 */
public sealed interface SettingType<T> {

    /** Whether the value is a list (comma-separated when it comes from the environment). */
    default boolean list() {
        return false;
    }

    /** The value as JSON and YAML write it: an enum by its lower-case name, a list as it is. */
    Object toWire(T value);

    /**
     * A value as it arrives in JSON ({@code null} is never passed); a value of the wrong shape is a
     * {@link ConfigException} whose message is the reason only. List items are not checked here.
     */
    T fromWire(Object wire);

    /** The first item that breaks the item rule, as its key ({@code rest.paths[2]}) and reason; none for one value. */
    default Optional<Setting.Problem> itemProblem(String key, T value) {
        return Optional.empty();
    }

    /** The value as a setting holds it: lists copied and unmodifiable; a single value as it is. */
    default T copy(T value) {
        return value;
    }

    /** One of an enum's constants, written in lower case ({@code block}) and read ignoring case. */
    record Choice<E extends Enum<E>>(Class<E> enumType) implements SettingType<E> {

        /** The constant named {@code text} (surrounding space and case ignored; {@code _} and {@code -} alike). */
        public E parse(String text) {
            E constant = find(enumType, text);
            if (constant == null) {
                throw new ConfigException("must be " + expected());
            }
            return constant;
        }

        /** The constant of {@code type} whose {@linkplain #wireName wire name} is {@code text}, or null. */
        private static <E extends Enum<E>> E find(Class<E> type, String text) {
            String wanted = text.strip().replace('_', '-');
            for (E constant : type.getEnumConstants()) {
                if (wireName(constant).replace('_', '-').equalsIgnoreCase(wanted)) {
                    return constant;
                }
            }
            return null;
        }

        /** The names as the configuration writes them, in declaration order. */
        public List<String> names() {
            return Stream.of(enumType.getEnumConstants()).map(Choice::wireName).toList();
        }

        /** {@code block or allow}; {@code a, b or c}. */
        public String expected() {
            List<String> names = names();
            return names.size() == 1
                    ? names.getFirst()
                    : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
        }

        @Override
        public Object toWire(E value) {
            return wireName(value);
        }

        @Override
        public E fromWire(Object wire) {
            if (!(wire instanceof String text)) {
                throw new ConfigException("must be " + expected());
            }
            return parse(text);
        }

        /**
         * How the configuration writes a constant: its {@link Spelled#spelling() spelling}, else its name in
         * lower case ({@code member_of}).
         */
        public static String wireName(Enum<?> value) {
            return value instanceof Spelled spelled
                    ? spelled.spelling()
                    : value.name().toLowerCase(Locale.ROOT);
        }
    }

    /** A choice whose constants the configuration spells other than by their lower-case names. */
    interface Spelled {
        String spelling();
    }

    /** A list of strings, each of which must pass {@code itemRule} (which throws {@link ConfigException}). */
    record Texts(Consumer<String> itemRule) implements SettingType<List<String>> {

        @Override
        public boolean list() {
            return true;
        }

        @Override
        public Object toWire(List<String> value) {
            return value;
        }

        @Override
        public List<String> fromWire(Object wire) {
            if (!(wire instanceof List<?> items)) {
                throw new ConfigException("must be a list");
            }
            List<String> texts = new ArrayList<>(items.size());
            for (Object item : items) {
                if (item != null && !(item instanceof String)) {
                    throw new ConfigException("must be a list of strings");
                }
                texts.add((String) item);
            }
            return texts;
        }

        @Override
        public Optional<Setting.Problem> itemProblem(String key, List<String> value) {
            for (int i = 0; i < value.size(); i++) {
                if (value.get(i) == null) {
                    return Optional.of(new Setting.Problem(key + "[" + i + "]", "must be set"));
                }
            }
            for (int i = 0; i < value.size(); i++) {
                try {
                    itemRule.accept(value.get(i));
                } catch (ConfigException e) {
                    return Optional.of(new Setting.Problem(key + "[" + i + "]", e.getMessage()));
                }
            }
            return Optional.empty();
        }

        @Override
        public List<String> copy(List<String> value) {
            return List.copyOf(value);
        }
    }

    /** One line of text; the setting's rule says what text is valid. */
    record Text() implements SettingType<String> {

        @Override
        public Object toWire(String value) {
            return value;
        }

        @Override
        public String fromWire(Object wire) {
            if (!(wire instanceof String text)) {
                throw new ConfigException("must be a string");
            }
            return text;
        }
    }

    /** {@code true} or {@code false}. */
    record Flag() implements SettingType<Boolean> {

        @Override
        public Object toWire(Boolean value) {
            return value;
        }

        @Override
        public Boolean fromWire(Object wire) {
            if (!(wire instanceof Boolean flag)) {
                throw new ConfigException("must be true or false");
            }
            return flag;
        }
    }

    /** A decimal integer; the setting's rule gives its range. */
    record Int() implements SettingType<Integer> {

        @Override
        public Object toWire(Integer value) {
            return value;
        }

        @Override
        public Integer fromWire(Object wire) {
            if (!(wire instanceof Integer number)) {
                throw new ConfigException("must be an integer");
            }
            return number;
        }
    }

    /** A duration written like {@code 500ms}, {@code 5s}, {@code 2m} or {@code PT5S}. */
    record Span() implements SettingType<Duration> {

        @Override
        public Object toWire(Duration value) {
            return Durations.format(value);
        }

        @Override
        public Duration fromWire(Object wire) {
            if (!(wire instanceof String text)) {
                throw new ConfigException("must be " + Durations.SYNTAX);
            }
            return Durations.parse(text);
        }
    }

    /** An absolute URL; the setting's rule says which. */
    record Url() implements SettingType<URI> {

        @Override
        public Object toWire(URI value) {
            return value.toString();
        }

        @Override
        public URI fromWire(Object wire) {
            try {
                return new URI(((String) wire).strip());
            } catch (ClassCastException | URISyntaxException e) {
                throw new ConfigException("must be an absolute http(s) URL");
            }
        }
    }

    /** A file path, relative to the working directory unless absolute. */
    record FilePath() implements SettingType<Path> {

        @Override
        public Object toWire(Path value) {
            return value.toString();
        }

        @Override
        public Path fromWire(Object wire) {
            if (!(wire instanceof String text) || text.isBlank()) {
                throw new ConfigException("must not be empty");
            }
            try {
                return Path.of(text);
            } catch (InvalidPathException e) {
                throw new ConfigException("must be a valid file path");
            }
        }
    }
}
