package org.patgate.server.config.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.patgate.server.config.ConfigException;

/**
 * A YAML document as an untyped tree whose scalars keep their <em>source text</em>.
 *
 * <p>Why not Jackson's {@code JsonNode}: YAML 1.1 typing turns {@code password: 0123} into 83 and
 * {@code no} into {@code false}. The loader decides each key's type itself, from the text as written,
 * so a password or a group name is never reinterpreted. Aliases and multiple documents are refused
 * rather than guessed at.
 */
public sealed interface YamlTree {

    /** 1-based line of the value in the file, for error messages. */
    int line();

    /** A scalar as written ({@code ~}, {@code null} and an empty value are {@link Null}). */
    record Scalar(String text, int line) implements YamlTree {}

    record Null(int line) implements YamlTree {}

    record Sequence(List<YamlTree> items, int line) implements YamlTree {}

    record Mapping(Map<String, YamlTree> entries, int line) implements YamlTree {}

    /**
     * Parses one YAML document; an empty document is {@link Null}. Syntax errors, duplicate keys,
     * aliases and a second document become a {@link ConfigException} naming {@code source} and the line.
     */
    static YamlTree parse(Reader yaml, String source) {
        YAMLFactory factory = new YAMLFactory();
        factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        try (JsonParser parser = factory.createParser(yaml)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new Null(1);
            }
            YamlTree root = read(parser, source);
            if (parser.nextToken() != null) {
                throw new ConfigException(source + ": must hold exactly one YAML document, found another at line "
                        + parser.currentTokenLocation().getLineNr());
            }
            return root;
        } catch (JsonProcessingException e) {
            // The original message names line and column; the file content itself is not echoed.
            throw new ConfigException(
                    source + ": not valid YAML: " + e.getOriginalMessage() + " (line "
                            + e.getLocation().getLineNr() + ")",
                    e);
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot be read: " + e.getMessage(), e);
        }
    }

    private static YamlTree read(JsonParser parser, String source) throws IOException {
        int line = parser.currentTokenLocation().getLineNr();
        if (parser instanceof YAMLParser yamlParser && yamlParser.isCurrentAlias()) {
            throw new ConfigException(
                    source + ": YAML aliases (*" + parser.getText() + ") are not supported (line " + line + ")");
        }
        JsonToken token = parser.currentToken();
        return switch (token) {
            case START_OBJECT -> {
                Map<String, YamlTree> entries = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    entries.put(name, read(parser, source));
                }
                yield new Mapping(Collections.unmodifiableMap(entries), line);
            }
            case START_ARRAY -> {
                List<YamlTree> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(parser, source));
                }
                yield new Sequence(List.copyOf(items), line);
            }
            case VALUE_NULL -> new Null(line);
            default -> new Scalar(parser.getText(), line);
        };
    }

    /** Describes a node's kind for messages ("a mapping", "a list"), never its content. */
    static String kind(YamlTree node) {
        return switch (node) {
            case Scalar scalar -> "a single value";
            case Null nothing -> "nothing";
            case Sequence sequence -> "a list";
            case Mapping mapping -> "a mapping";
        };
    }
}
