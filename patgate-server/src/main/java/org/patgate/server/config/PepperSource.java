package org.patgate.server.config;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Consumer;
import org.patgate.server.config.internal.KeyFiles;
import org.patgate.server.config.internal.PepperCodec;

/**
 * Finds the token pepper: the HMAC key for token digests. It never lives in the database, so a
 * stolen database alone does not allow offline guessing of tokens.
 *
 * <p>Order: {@code tokens.pepper} (env {@code PATGATE_TOKENS_PEPPER}) when non-empty, base64 or hex,
 * at least 32 bytes; otherwise the base64 text in {@code tokens.pepperFile}, which must not be
 * readable or writable by group or others. A missing file is generated (32 random bytes, created
 * with mode 600 and published atomically) only when asked to. Messages never contain the pepper.
 * Stateless and thread-safe; concurrent generators agree on one file.
 */
public final class PepperSource {

    private PepperSource() {}

    /**
     * Returns the pepper bytes (a fresh array the caller may wipe).
     *
     * @param createIfMissing generate the pepper file when it does not exist (first start of a node)
     * @param announce        receives one line when a pepper file was generated, for the operator
     * @throws ConfigException naming {@code tokens.pepper} or {@code tokens.pepperFile} and the reason
     */
    public static byte[] resolve(TokensConfig tokens, boolean createIfMissing, Consumer<String> announce) {
        Objects.requireNonNull(announce, "announce");
        if (!tokens.pepper().isEmpty()) {
            try {
                return PepperCodec.decode(tokens.pepper());
            } catch (ConfigException e) {
                throw new ConfigException("tokens.pepper: " + e.getMessage());
            }
        }
        return KeyFiles.readOrCreate(tokens.pepperFile(), createIfMissing, spec(tokens), announce);
    }

    private static KeyFiles.Spec<byte[]> spec(TokensConfig tokens) {
        return new KeyFiles.Spec<>(
                TokensConfig.PEPPER_FILE.key(),
                "copy it from another node or set tokens.pepper (PATGATE_TOKENS_PEPPER)",
                PepperCodec::decode,
                PepperSource::generate,
                "generated a new token pepper in " + tokens.pepperFile()
                        + "; back it up and give every cluster node the same one");
    }

    /** 32 random bytes as one line of base64. */
    private static String generate() {
        byte[] pepper = new byte[PepperCodec.MIN_BYTES];
        new SecureRandom().nextBytes(pepper);
        return Base64.getEncoder().encodeToString(pepper) + "\n";
    }
}
