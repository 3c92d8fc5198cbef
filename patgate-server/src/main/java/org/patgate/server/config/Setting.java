package org.patgate.server.config;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One configuration key, declared once: its dotted key, the type of its value, its default (which
 * may come from the {@code upstream.product} preset), the rule a whole value must pass, where the
 * value sits in its configuration record, whether it is a secret, and the title and line that
 * document it. The loader (file and environment), the printed configuration, the settings an
 * administrator changes at runtime (stored and through the API and UI) and the documentation test all
 * read these declarations instead of spelling the key again. Immutable and thread-safe.
 *
 * @param key          the dotted key, also the key of error reports: {@code rest.paths}
 * @param type         how the value is read and written, and each list item's rule
 * @param defaults     the default for an upstream product
 * @param rule         the rule the whole value must pass (throws {@link ConfigException} with the reason)
 * @param read         where the value sits in the configuration record
 * @param secret       whether the value is never shown (masked when printed, never echoed in errors)
 * @param title        a short name for forms: {@code REST paths}
 * @param doc          one line saying what the value does
 * @param <C>          the configuration record that holds the value
 * @param <T>          the value's type
 */
public record Setting<C, T>(
        String key,
        SettingType<T> type,
        Function<UpstreamProduct, T> defaults,
        Consumer<? super T> rule,
        Function<C, T> read,
        boolean secret,
        String title,
        String doc) {

    /** What is wrong with a value: the key (with {@code [index]} for a list item) and the reason. */
    public record Problem(String key, String reason) {}

    public Setting {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaults, "defaults");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(read, "read");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(doc, "doc");
    }

    /**
     * A setting that is not a secret, whose default does not depend on the upstream product, and
     * whose title is its field name (it has no form of its own).
     */
    public static <C, T> Setting<C, T> of(
            String key,
            SettingType<T> type,
            T defaultValue,
            Consumer<? super T> rule,
            Function<C, T> read,
            String doc) {
        return new Setting<>(
                key, type, product -> defaultValue, rule, read, false, key.substring(key.lastIndexOf('.') + 1), doc);
    }

    /** A secret line of text (masked when printed, never echoed in errors) with a constant default. */
    public static <C> Setting<C, String> secret(
            String key, String defaultValue, Consumer<? super String> rule, Function<C, String> read, String doc) {
        return new Setting<>(
                key,
                new SettingType.Text(),
                product -> defaultValue,
                rule,
                read,
                true,
                key.substring(key.lastIndexOf('.') + 1),
                doc);
    }

    /** The last part of the key: the field name in JSON and forms ({@code paths} of {@code rest.paths}). */
    public String field() {
        return key.substring(key.lastIndexOf('.') + 1);
    }

    /** {@code PATGATE_} + the key upper-cased with dots as underscores; no camel-case splitting. */
    public String envName() {
        return "PATGATE_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** The default for an upstream product's preset. */
    public T defaultFor(UpstreamProduct product) {
        return defaults.apply(product);
    }

    /** The value in a configuration record. */
    public T valueIn(C config) {
        return read.apply(config);
    }

    /** The value in a configuration record as JSON and YAML write it (secrets are not masked here). */
    public Object wireValueIn(C config) {
        return type.toWire(valueIn(config));
    }

    /** A value as JSON and YAML write it. */
    public Object toWire(T value) {
        return type.toWire(value);
    }

    /**
     * The first problem of a value, in the order the configuration checks them: unset, a list item,
     * then the rule of the whole value. Empty when the value is valid.
     */
    public Optional<Problem> problem(T value) {
        if (value == null) {
            return Optional.of(new Problem(key, "must be set"));
        }
        Optional<Problem> item = type.itemProblem(key, value);
        if (item.isPresent()) {
            return item;
        }
        try {
            rule.accept(value);
        } catch (ConfigException e) {
            return Optional.of(new Problem(key, e.getMessage()));
        }
        return Optional.empty();
    }

    /**
     * Checks a value built in code, for the configuration records' compact constructors.
     *
     * @return the value as held (lists copied and unmodifiable)
     * @throws ConfigException naming the key at the first problem
     */
    public T require(T value) {
        Optional<Problem> problem = problem(value);
        if (problem.isPresent()) {
            throw new ConfigException(problem.get().key() + ": " + problem.get().reason());
        }
        return type.copy(value);
    }

    /** This setting's value among values chosen per setting (by the loader, or stored over the configuration). */
    @SuppressWarnings("unchecked")
    public T pick(Function<? super Setting<C, ?>, Object> values) {
        return (T) values.apply(this);
    }
}
