package org.patgate.server.dataplane.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.patgate.server.config.ConfigException;
import org.patgate.server.config.TlsConfig;

/**
 * The bytes of the files a TLS source names, read once, with a fingerprint of them: what is parsed
 * is exactly what was compared with the previous read, so a file replaced in between cannot slip
 * through unseen. Immutable.
 *
 * @param source      the configured source
 * @param contents    each file's bytes: the certificate then the key (PEM), or the keystore (PKCS#12)
 * @param fingerprint SHA-256 over the files, in hex
 */
record TlsFiles(TlsConfig.Source source, List<byte[]> contents, String fingerprint) {

    /**
     * Reads the source's files.
     *
     * @throws ConfigException naming the key of a file that is missing or unreadable
     */
    static TlsFiles read(TlsConfig.Source source) {
        List<byte[]> contents = switch (source) {
            case TlsConfig.Pem pem ->
                List.of(read(TlsConfig.CERTIFICATE.key(), pem.certificate()), read(TlsConfig.KEY.key(), pem.key()));
            case TlsConfig.Pkcs12 pkcs12 -> List.of(read(TlsConfig.KEYSTORE.key(), pkcs12.keystore()));
        };
        return new TlsFiles(source, contents, fingerprint(contents));
    }

    private static byte[] read(String key, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(key + ": file not found: " + file);
        } catch (IOException e) {
            throw new ConfigException(key + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String fingerprint(List<byte[]> contents) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (byte[] content : contents) {
                // The length first, so moving bytes from one file to the other changes the fingerprint.
                sha256.update(ByteBuffer.allocate(Integer.BYTES)
                        .putInt(content.length)
                        .array());
                sha256.update(content);
            }
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
