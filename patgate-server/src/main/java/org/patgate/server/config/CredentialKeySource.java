package org.patgate.server.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;
import org.patgate.server.config.internal.KeyFiles;

/**
 * Finds the keys that encrypt the users' native upstream credentials ({@link CredentialKeys}) in
 * {@code upstream.credentialKeyFile}, outside the database, so a stolen database or backup alone
 * reveals no native token. The file must not be readable or writable by group or others; a missing
 * file is generated (one random key, mode 600, published atomically) only when asked to. Messages
 * never contain key material. Stateless and thread-safe; concurrent generators agree on one file.
 */
public final class CredentialKeySource {

    private static final String KEY = UpstreamConfig.CREDENTIAL_KEY_FILE.key();

    private CredentialKeySource() {}

    /**
     * Returns the keys of {@code upstream.credentialKeyFile}.
     *
     * @param createIfMissing generate the file when it does not exist (first start of a node)
     * @param announce        receives one line when the file was generated, for the operator
     * @throws ConfigException naming {@code upstream.credentialKeyFile}, the file and the reason
     */
    public static CredentialKeys resolve(UpstreamConfig upstream, boolean createIfMissing, Consumer<String> announce) {
        return read(upstream.credentialKeyFile(), createIfMissing, announce);
    }

    /** As {@link #resolve} for a file given by path. */
    public static CredentialKeys read(Path file, boolean createIfMissing, Consumer<String> announce) {
        Objects.requireNonNull(file, "file");
        return KeyFiles.readOrCreate(
                file,
                createIfMissing,
                new KeyFiles.Spec<>(
                        KEY,
                        "copy it from another node (every node needs the same keys); without it no stored"
                                + " upstream credential can be decrypted",
                        CredentialKeys::parse,
                        () -> CredentialKeys.generate().format(),
                        "generated a new upstream credential key in " + file
                                + "; back it up and give every cluster node the same file"),
                announce);
    }

    /**
     * Replaces the content of the key file atomically (mode 600): a crash leaves the old file or
     * the new one, never a mix.
     *
     * @throws ConfigException naming the key and the file when it cannot be written
     */
    public static void write(Path file, CredentialKeys keys) {
        try {
            KeyFiles.replaceOwnerOnly(file, keys.format());
        } catch (IOException e) {
            throw new ConfigException(KEY + ": cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
