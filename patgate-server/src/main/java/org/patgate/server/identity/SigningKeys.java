package org.patgate.server.identity;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.patgate.core.PatgateException;
import org.patgate.core.token.AesGcm;
import org.patgate.server.store.JwtKeyRecord;

/**
 * The ES256 (P-256) keys that sign identity JWTs. A key is used for {@code rotation}, then a new
 * one is generated; the previous ones stay published (for JWTs still in flight and upstream caches)
 * until they are twice that old. Private keys are stored encrypted with AES-256-GCM under a key
 * derived from the token pepper, never in the clear. Thread-safe.
 */
public final class SigningKeys {

    /** The key currently used for signing. */
    public record Active(String kid, ECPrivateKey privateKey) {
        @Override
        public String toString() {
            return "Active[kid=" + kid + "]";
        }
    }

    /** A public key as a JWK (RFC 7517/7518): EC P-256 coordinates, base64url. */
    public record PublicJwk(String kty, String crv, String x, String y, String kid, String use, String alg) {}

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();

    /** Where the signing keys are kept (the database's jwt_keys table): shared by every node. */
    public interface KeyStore {
        /** Every stored key, newest first. */
        List<JwtKeyRecord> all();

        void insert(JwtKeyRecord key);

        /** Removes keys created before {@code cutoff}; returns how many. */
        int deleteOlderThan(Instant cutoff);
    }

    private final KeyStore repository;
    private final Clock clock;
    private final Duration rotation;
    private final SecureRandom random = new SecureRandom();
    private final AesGcm encryption;
    private Active active;
    private Instant activeCreatedAt;

    /** @param encryptionKey 32 bytes derived from the pepper, for the private keys at rest */
    public SigningKeys(KeyStore repository, byte[] encryptionKey, Clock clock, Duration rotation) {
        if (encryptionKey.length != 32) {
            throw new IllegalArgumentException("the key-encryption key must be 32 bytes");
        }
        this.repository = repository;
        this.encryption = new AesGcm(encryptionKey, random);
        this.clock = clock;
        this.rotation = rotation;
    }

    /** The key to sign with now, generating (and storing) a new one when the current one is due. */
    public synchronized Active current() {
        Instant now = clock.instant();
        if (active != null && now.isBefore(activeCreatedAt.plus(rotation))) {
            return active;
        }
        List<JwtKeyRecord> keys = repository.all();
        JwtKeyRecord newest = keys.isEmpty() ? null : keys.getFirst();
        if (newest == null || !now.isBefore(newest.createdAt().plus(rotation))) {
            newest = generate(now);
            repository.insert(newest);
            repository.deleteOlderThan(now.minus(rotation.multipliedBy(2)));
        }
        active = new Active(newest.kid(), decrypt(newest.privateEncrypted()));
        activeCreatedAt = newest.createdAt();
        return active;
    }

    /** The keys an upstream should trust now: the current one and those retired less than a period ago. */
    public List<PublicJwk> published() {
        current();
        Instant cutoff = clock.instant().minus(rotation.multipliedBy(2));
        return repository.all().stream()
                .filter(k -> k.createdAt().isAfter(cutoff))
                .map(k -> new PublicJwk("EC", "P-256", k.publicX(), k.publicY(), k.kid(), "sig", "ES256"))
                .toList();
    }

    private JwtKeyRecord generate(Instant now) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = generator.generateKeyPair();
            ECPublicKey publicKey = (ECPublicKey) pair.getPublic();
            byte[] kidBytes = new byte[12];
            random.nextBytes(kidBytes);
            return new JwtKeyRecord(
                    B64URL.encodeToString(kidBytes),
                    B64URL.encodeToString(unsigned32(publicKey.getW().getAffineX())),
                    B64URL.encodeToString(unsigned32(publicKey.getW().getAffineY())),
                    encrypt(pair.getPrivate().getEncoded()),
                    now.truncatedTo(ChronoUnit.MICROS));
        } catch (GeneralSecurityException e) {
            throw new PatgateException("cannot generate a signing key: " + e.getMessage(), e);
        }
    }

    /** A coordinate as exactly 32 big-endian bytes (RFC 7518 §6.2.1.2). */
    static byte[] unsigned32(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - copy, out, 32 - copy, copy);
        return out;
    }

    private String encrypt(byte[] plain) {
        byte[] sealed = encryption.seal(plain, null);
        Arrays.fill(plain, (byte) 0);
        return B64URL.encodeToString(sealed);
    }

    private ECPrivateKey decrypt(String stored) {
        try {
            byte[] pkcs8 = encryption.open(B64URL_DECODER.decode(stored), null);
            try {
                return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } finally {
                Arrays.fill(pkcs8, (byte) 0);
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // Most likely another pepper than the one the key was stored with.
            throw new PatgateException(
                    "cannot decrypt the JWT signing key; does this node have the same token pepper " + "as the others?",
                    e);
        }
    }
}
