package org.patgate.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.config.CredentialKeySource;
import org.patgate.server.config.CredentialKeys;
import org.patgate.server.upstream.CredentialCipher.Sealed;

/** AES-256-GCM sealing of native credentials: every change to what is stored, or to whom it belongs, fails. */
class CredentialCipherTest {

    private static final String SECRET = "NjQ5MzU2NzQ4OTI2OkJmZXJ0eXVpb3Bhc2RmZ2hqa2w=";

    private final CredentialKeys keys = CredentialKeys.generate();
    private final CredentialCipher cipher = new CredentialCipher(keys);

    @Test
    void roundTripUnderTheCurrentKeyWithAFreshNonceEachTime() {
        Set<String> nonces = new HashSet<>();
        Set<String> ciphertexts = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            Sealed sealed = cipher.encrypt(SECRET, 7, "pasted");
            assertThat(sealed.keyId()).isEqualTo(keys.currentId());
            assertThat(Base64.getDecoder().decode(sealed.nonce())).hasSize(12);
            assertThat(sealed.ciphertext()).doesNotContain(SECRET);
            assertThat(cipher.decrypt(sealed, 7, "pasted")).isEqualTo(SECRET);
            nonces.add(sealed.nonce());
            ciphertexts.add(sealed.ciphertext());
        }
        assertThat(nonces).hasSize(20);
        assertThat(ciphertexts).hasSize(20);
    }

    @Test
    void tamperedCiphertextFails() {
        Sealed sealed = cipher.encrypt(SECRET, 7, "pasted");
        byte[] bytes = Base64.getDecoder().decode(sealed.ciphertext());
        for (int i = 0; i < bytes.length; i++) {
            byte[] changed = bytes.clone();
            changed[i] ^= 0x01;
            Sealed tampered = new Sealed(
                    sealed.keyId(), sealed.nonce(), Base64.getEncoder().encodeToString(changed));
            assertThatThrownBy(() -> cipher.decrypt(tampered, 7, "pasted"))
                    .as("byte %d flipped", i)
                    .isInstanceOf(CredentialDecryptionException.class)
                    .hasMessage("the stored upstream credential of user 7 cannot be decrypted: it does not"
                            + " authenticate (changed, or stored for another user or link)");
        }
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 1);
        assertThatThrownBy(() -> cipher.decrypt(
                        new Sealed(
                                sealed.keyId(),
                                sealed.nonce(),
                                Base64.getEncoder().encodeToString(truncated)),
                        7,
                        "pasted"))
                .isInstanceOf(CredentialDecryptionException.class);
    }

    @Test
    void tamperedNonceFails() {
        Sealed sealed = cipher.encrypt(SECRET, 7, "pasted");
        byte[] nonce = Base64.getDecoder().decode(sealed.nonce());
        nonce[0] ^= 0x01;
        Sealed tampered = new Sealed(sealed.keyId(), Base64.getEncoder().encodeToString(nonce), sealed.ciphertext());

        assertThatThrownBy(() -> cipher.decrypt(tampered, 7, "pasted"))
                .isInstanceOf(CredentialDecryptionException.class)
                .hasMessageContaining("does not authenticate");
        assertThatThrownBy(() -> cipher.decrypt(new Sealed(sealed.keyId(), "AAAA", sealed.ciphertext()), 7, "pasted"))
                .isInstanceOf(CredentialDecryptionException.class)
                .hasMessageContaining("malformed nonce");
    }

    @Test
    void anotherKeyIdFails() {
        CredentialKeys rotated = keys.withNewCurrent();
        CredentialCipher both = new CredentialCipher(rotated);
        Sealed sealed = cipher.encrypt(SECRET, 7, "pasted");

        assertThat(both.decrypt(sealed, 7, "pasted"))
                .as("the old key still decrypts")
                .isEqualTo(SECRET);
        Sealed relabelled = new Sealed(rotated.currentId(), sealed.nonce(), sealed.ciphertext());
        assertThatThrownBy(() -> both.decrypt(relabelled, 7, "pasted"))
                .isInstanceOf(CredentialDecryptionException.class)
                .hasMessageContaining("does not authenticate");
        Sealed unknown = new Sealed("k-unknown", sealed.nonce(), sealed.ciphertext());
        assertThatThrownBy(() -> cipher.decrypt(unknown, 7, "pasted"))
                .isInstanceOf(CredentialDecryptionException.class)
                .hasMessage("the stored upstream credential of user 7 cannot be decrypted: its key 'k-unknown' is not"
                        + " in upstream.credentialKeyFile");
    }

    @Test
    void ciphertextOfAnotherUserOrKindOfLinkFails() {
        Sealed sealed = cipher.encrypt(SECRET, 7, "pasted");

        assertThatThrownBy(() -> cipher.decrypt(sealed, 8, "pasted"))
                .isInstanceOf(CredentialDecryptionException.class)
                .hasMessageContaining("user 8")
                .hasMessageContaining("does not authenticate");
        assertThatThrownBy(() -> cipher.decrypt(sealed, 7, "minted")).isInstanceOf(CredentialDecryptionException.class);
        // "7/pasted" must not be readable as user 77 or "7/p..." by concatenation tricks either
        assertThatThrownBy(() -> cipher.decrypt(sealed, 77, "pasted"))
                .isInstanceOf(CredentialDecryptionException.class);
        assertThat(CredentialCipher.associatedData(7, "pasted")).isEqualTo("patgate-upstream-link/v1/7/pasted");
    }

    @Test
    void aCipherWithOtherKeysCannotDecrypt() {
        Sealed sealed = cipher.encrypt(SECRET, 7, "pasted");
        CredentialCipher stranger = new CredentialCipher(
                CredentialKeys.parse(sealed.keyId() + " " + Base64.getEncoder().encodeToString(new byte[32]) + "\n"));

        assertThatThrownBy(() -> stranger.decrypt(sealed, 7, "pasted"))
                .isInstanceOf(CredentialDecryptionException.class)
                .message()
                .doesNotContain(SECRET);
        assertThat(stranger.toString()).doesNotContain(Base64.getEncoder().encodeToString(new byte[32]));
    }

    @Test
    void aCipherOnTheKeyFileFollowsARotatedFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("keys");
        CredentialKeys first = CredentialKeySource.read(file, true, line -> {});
        CredentialCipher node = new CredentialCipher(first, file);
        Sealed old = node.encrypt(SECRET, 7, "pasted");
        assertThat(old.keyId()).isEqualTo(first.currentId());

        CredentialKeys rotated = first.withNewCurrent();
        CredentialKeySource.write(file, rotated);
        Sealed elsewhere = new CredentialCipher(rotated).encrypt(SECRET, 8, "minted");

        assertThat(node.decrypt(elsewhere, 8, "minted"))
                .as("an unknown key id reads the file")
                .isEqualTo(SECRET);
        assertThat(node.encrypt(SECRET, 7, "pasted").keyId()).isEqualTo(rotated.currentId());

        CredentialKeySource.write(file, rotated.retaining(Set.of()));
        assertThat(node.encrypt(SECRET, 7, "pasted").keyId()).isEqualTo(rotated.currentId());
        assertThatThrownBy(() -> node.decrypt(old, 7, "pasted"))
                .as("the old key left with the file")
                .isInstanceOf(CredentialDecryptionException.class);

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(file, CredentialKeys.generate().format());
        assertThat(node.encrypt(SECRET, 7, "pasted").keyId())
                .as("a file it may not read leaves the keys as they were")
                .isEqualTo(rotated.currentId());
    }
}
