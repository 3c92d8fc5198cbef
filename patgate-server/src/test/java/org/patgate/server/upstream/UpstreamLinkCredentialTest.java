package org.patgate.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.testing.Backend;
import org.patgate.server.testing.DatabaseDump;
import org.patgate.server.upstream.NativeCredential.Unusable;
import org.patgate.server.upstream.NativeCredential.Usable;

/**
 * The gateway's side of the link service on H2 and on a real PostgreSQL: the cached credential and
 * when it is dropped, broken links audited once, ciphertexts bound to their user, and no native
 * secret anywhere in the database or the audit trail after a whole lifecycle.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class UpstreamLinkCredentialTest extends UpstreamLinksTestBase {

    @Test
    void theCredentialIsCachedAndDroppedOnUnlink() throws SQLException {
        String token = product.issue("alice");
        links.linkPasted(alice, token);
        assertThat(links.credentialFor(alice.userId())).isEqualTo(new Usable(token));

        sql("UPDATE upstream_links SET status = 'broken', reason = 'changed behind the service'");
        assertThat(links.credentialFor(alice.userId())).as("from the cache").isEqualTo(new Usable(token));

        sql("UPDATE upstream_links SET status = 'linked', reason = NULL");
        links.unlink(alice, alice.userId());
        assertThat(links.credentialFor(alice.userId())).isInstanceOf(Unusable.class);
    }

    @Test
    void theCredentialIsDroppedWhenMarkedBrokenAndTheBreakAuditedOnce() throws Exception {
        String token = product.issue("alice");
        links.linkPasted(alice, token);
        assertThat(links.credentialFor(alice.userId())).isEqualTo(new Usable(token));

        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> calls = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 16; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    links.markBroken(alice.userId(), "Jira answered 401 to the linked token");
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> call : calls) {
                call.get();
            }
        }

        assertThat(links.credentialFor(alice.userId()))
                .isEqualTo(new Unusable("broken", "Jira answered 401 to the linked token"));
        assertThat(links.find(alice.userId()).orElseThrow().status()).isEqualTo("broken");
        assertThat(audit().stream().filter(line -> line.contains("upstream-link.broken")))
                .containsExactly("system upstream-link.broken alice success Jira answered 401 to the linked token");

        links.linkPasted(alice, product.issue("alice"));
        assertThat(links.credentialFor(alice.userId())).as("relinked").isInstanceOf(Usable.class);
    }

    @Test
    void aCiphertextCopiedToAnotherUsersRowDoesNotDecrypt() throws SQLException {
        String token = product.issue("alice");
        links.linkPasted(alice, token);
        links.linkPasted(bob, product.issue("bob"));

        for (String column : List.of("key_id", "nonce", "ciphertext")) {
            sql("UPDATE upstream_links SET " + column + " = (SELECT " + column + " FROM upstream_links WHERE user_id = "
                    + alice.userId() + ") WHERE user_id = " + bob.userId());
        }

        NativeCredential stolen = links.credentialFor(bob.userId());
        assertThat(stolen).isInstanceOf(Unusable.class);
        assertThat(((Unusable) stolen).status()).isEqualTo("broken");
        assertThat(stolen.toString()).doesNotContain(token);
    }

    @Test
    void noNativeSecretReachesTheDatabaseOrTheAuditTrail() {
        product.acceptPassword("alice", PASSWORD);
        List<String> secrets = new ArrayList<>();
        String pasted = product.issue("alice");
        secrets.add(pasted);
        links.linkPasted(alice, pasted);
        links.credentialFor(alice.userId());
        links.markBroken(alice.userId(), "Jira answered 401");
        links.linkMinted(alice, PASSWORD.toCharArray(), Duration.ofDays(3));
        secrets.add(product.mintedSecrets().getFirst());
        String bobs = product.issue("bob");
        secrets.add(bobs);
        links.linkPasted(bob, bobs);
        assertThatThrownBy(() -> links.linkPasted(alice, bobs)).isInstanceOf(InvalidRequestException.class);
        links.linkMinted(alice, PASSWORD.toCharArray(), Duration.ofDays(90));
        secrets.add(product.mintedSecrets().getLast());
        String dumpWhileLinked = DatabaseDump.of(database.dataSource());
        links.unlink(alice, alice.userId());
        links.userRemoved(bob.userId(), "user disabled by root");

        String dump = DatabaseDump.of(database.dataSource());
        assertThat(dumpWhileLinked.toLowerCase()).contains("upstream_links");
        assertThat(dumpWhileLinked).as("the encrypted links are in the dump").contains(keys.currentId());
        for (String keyId : keys.ids()) {
            secrets.add(Base64.getEncoder().encodeToString(keys.key(keyId).orElseThrow()));
        }
        secrets.add(PASSWORD);
        assertThat(audit()).hasSizeGreaterThan(6);
        for (String secret : secrets) {
            assertThat(dumpWhileLinked).doesNotContain(secret);
            assertThat(dump).doesNotContain(secret);
            assertThat(String.join("\n", audit())).doesNotContain(secret);
        }
    }
}
