package org.patgate.server.config;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The keys that encrypt the users' native upstream credentials: AES-256 keys (32 bytes) by id, the
 * first one current (new encryptions use it), the others kept so that what they encrypted still
 * decrypts until it has been encrypted again under the current key. Written to its file
 * ({@code upstream.credentialKeyFile}) as one {@code <keyId> <base64 key>} line per key, current
 * first; blank lines and lines starting with {@code #} are ignored. Parse errors name the line,
 * never its content; {@link #toString()} shows only the ids. Immutable and thread-safe.
 */
public final class CredentialKeys {

    /** Bytes of each key: AES-256. */
    public static final int KEY_BYTES = 32;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,32}");
    private static final String HEADER = "# PATgate upstream credential keys: <keyId> <base64 32 bytes>, the first is"
            + " current. Keep this file secret (mode 600), back it up, give every node the same one.\n";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, byte[]> keys;
    private final String currentId;

    private CredentialKeys(Map<String, byte[]> keys) {
        if (keys.isEmpty()) {
            throw new ConfigException("holds no key");
        }
        this.keys = keys;
        this.currentId = keys.keySet().iterator().next();
    }

    /** One fresh random key. */
    public static CredentialKeys generate() {
        return withNewKeyBefore(Map.of());
    }

    /**
     * Reads the text of a key file.
     *
     * @throws ConfigException saying which line is wrong and how, never what it holds
     */
    public static CredentialKeys parse(String text) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = "line " + (i + 1) + ": ";
            String[] parts = line.split("\\s+");
            if (parts.length != 2 || !ID.matcher(parts[0]).matches()) {
                throw new ConfigException(where + "expected '<keyId> <base64 key>' with a key id of 1 to 32 letters,"
                        + " digits, '.', '_' or '-'");
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(parts[1]);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + "the key must be base64");
            }
            if (key.length != KEY_BYTES) {
                throw new ConfigException(where + "the key must be " + KEY_BYTES + " bytes (base64)");
            }
            if (keys.putIfAbsent(parts[0], key) != null) {
                throw new ConfigException(where + "key id " + parts[0] + " appears twice");
            }
        }
        if (keys.isEmpty()) {
            throw new ConfigException("holds no key");
        }
        return new CredentialKeys(keys);
    }

    /** The text of the key file. */
    public String format() {
        StringBuilder text = new StringBuilder(HEADER);
        keys.forEach((id, key) -> text.append(id)
                .append(' ')
                .append(Base64.getEncoder().encodeToString(key))
                .append('\n'));
        return text.toString();
    }

    /** The id of the key new encryptions use. */
    public String currentId() {
        return currentId;
    }

    /** Every key id, current first. */
    public List<String> ids() {
        return List.copyOf(keys.keySet());
    }

    /** A copy of the key with this id, or empty when this ring does not hold it. */
    public Optional<byte[]> key(String id) {
        byte[] key = keys.get(id);
        return key == null ? Optional.empty() : Optional.of(key.clone());
    }

    /** These keys with a fresh random key in front as the current one (the others stay). */
    public CredentialKeys withNewCurrent() {
        return withNewKeyBefore(keys);
    }

    private static CredentialKeys withNewKeyBefore(Map<String, byte[]> keys) {
        String id;
        do {
            byte[] suffix = new byte[5];
            RANDOM.nextBytes(suffix);
            id = "k" + HexFormat.of().formatHex(suffix);
        } while (keys.containsKey(id));
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        Map<String, byte[]> next = new LinkedHashMap<>();
        next.put(id, key);
        next.putAll(keys);
        return new CredentialKeys(next);
    }

    /** The current key and those of the others whose ids are in {@code used}, in their order. */
    public CredentialKeys retaining(Set<String> used) {
        Map<String, byte[]> kept = new LinkedHashMap<>();
        keys.forEach((id, key) -> {
            if (id.equals(currentId) || used.contains(id)) {
                kept.put(id, key);
            }
        });
        return new CredentialKeys(kept);
    }

    @Override
    public String toString() {
        return "CredentialKeys[current=" + currentId + ", ids=" + new ArrayList<>(keys.keySet()) + "]";
    }
}
