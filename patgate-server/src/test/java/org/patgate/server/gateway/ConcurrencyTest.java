package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RecordingUpstream.Received;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer.Answer;

/**
 * Eight clients hammer the gateway over real HTTP with a good token, a token that is revoked while
 * they run, and near-miss garbage, each request also trying to inject an identity header.
 *
 * <p>How "after the revoke returned" is decided without trusting wall clocks: one atomic counter
 * orders events. A client takes a ticket from it before sending a request (the ticket is part of
 * the path, so the upstream's record carries it); the revoker takes a ticket right after the
 * DELETE answered 204. A request whose ticket is larger was sent strictly after the revoke had
 * returned, so the gateway must refuse it. Requests with smaller tickets raced the revoke and may
 * go either way. Each client pauses before its last quarter until the revoke has returned, so
 * there are always requests on both sides of it.
 */
@EndToEndTest
class ConcurrencyTest {

    private static final int THREADS = 8;
    private static final int REQUESTS_PER_THREAD = 200;
    private static final int AFTER_REVOKE_FROM = 150;
    private static final int REVOKE_AFTER_COMPLETED = 600;
    private static final List<Map<String, String>> SPOOFED_IDENTITIES = List.of(
            Map.of("X-Forwarded-User", "mallory"),
            Map.of("x-forwarded-user", "mallory"),
            Map.of("X_Forwarded_User", "mallory"),
            Map.of("X.Forwarded.User", "mallory"),
            Map.of());

    enum Kind {
        VALID,
        DOOMED,
        GARBAGE
    }

    /** One request as the client saw it. */
    record Sent(Kind kind, long ticket, String path, int status) {}

    @RegisterExtension
    static final RunningGateway gw =
            RunningGateway.builder().user("rita", "rita-password-12345").build();

    @Test
    void revokedTokenIsNeverForwardedAfterTheRevokeReturnedAndNothingLeaks() throws Exception {
        Answer created = gw.server.asAdmin(
                "POST", "/.patgate/api/v1/tokens", Map.of("name", "doomed", "owner", "rita", "scope", "read-write"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode doomedToken = created.json();
        String doomed = doomedToken.get("token").asText();
        String valid = gw.readWrite();
        // a near miss of a real token: right shape, wrong checksum
        String garbage = valid.substring(0, valid.length() - 1) + (valid.endsWith("A") ? "B" : "A");
        Map<Kind, String> secrets = Map.of(Kind.VALID, valid, Kind.DOOMED, doomed, Kind.GARBAGE, garbage);
        gw.upstream.clear();

        AtomicLong events = new AtomicLong();
        AtomicLong revokeReturnedAt = new AtomicLong(Long.MAX_VALUE);
        CountDownLatch enoughTraffic = new CountDownLatch(REVOKE_AFTER_COMPLETED);
        CountDownLatch revoked = new CountDownLatch(1);
        Queue<Sent> sent = new ConcurrentLinkedQueue<>();

        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1)) {
            Future<Integer> revoker = pool.submit(() -> {
                enoughTraffic.await();
                int status = gw.server
                        .asAdmin(
                                "DELETE",
                                "/.patgate/api/v1/tokens/"
                                        + doomedToken.get("id").asText(),
                                null)
                        .status();
                revokeReturnedAt.set(events.incrementAndGet());
                revoked.countDown();
                return status;
            });
            List<Future<?>> clients = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                clients.add(pool.submit(() -> {
                    for (int i = 0; i < REQUESTS_PER_THREAD; i++) {
                        if (i == AFTER_REVOKE_FROM && !revoked.await(2, TimeUnit.MINUTES)) {
                            throw new AssertionError("the revoke did not return");
                        }
                        Kind kind = switch (i % 4) {
                            case 0, 1 -> Kind.DOOMED;
                            case 2 -> Kind.VALID;
                            default -> Kind.GARBAGE;
                        };
                        long ticket = events.incrementAndGet();
                        String path =
                                "/rest/api/2/" + kind.name().toLowerCase() + "/" + thread + "/" + i + "/" + ticket;
                        Map<String, String> headers =
                                new HashMap<>(SPOOFED_IDENTITIES.get(i % SPOOFED_IDENTITIES.size()));
                        headers.put("Authorization", "Bearer " + secrets.get(kind));
                        sent.add(new Sent(
                                kind,
                                ticket,
                                path,
                                gw.send("GET", path, headers, null).status()));
                        enoughTraffic.countDown();
                    }
                    return null;
                }));
            }
            for (Future<?> client : clients) {
                client.get(5, TimeUnit.MINUTES);
            }
            assertThat(revoker.get(1, TimeUnit.MINUTES)).isEqualTo(204);
        }

        long revokeReturned = revokeReturnedAt.get();
        List<Received> received = gw.upstream.received();
        Map<String, Received> forwarded =
                received.stream().collect(Collectors.toMap(Received::path, Function.identity()));
        assertThat(sent).hasSize(THREADS * REQUESTS_PER_THREAD);
        assertThat(forwarded).as("every forwarded request arrived exactly once").hasSameSizeAs(received);

        // no 5xx, and every answer is what the token's state allows
        assertThat(sent).allSatisfy(s -> assertThat(s.status()).as(s.path()).isIn(200, 401));
        assertThat(sent)
                .filteredOn(s -> s.kind() == Kind.VALID)
                .allSatisfy(s -> assertThat(s.status()).isEqualTo(200));
        assertThat(sent)
                .filteredOn(s -> s.kind() == Kind.GARBAGE)
                .allSatisfy(s -> assertThat(s.status()).isEqualTo(401));
        // forwarded exactly when answered 200: refusals never reach the upstream
        assertThat(forwarded.keySet())
                .containsExactlyInAnyOrderElementsOf(sent.stream()
                        .filter(s -> s.status() == 200)
                        .map(Sent::path)
                        .toList());

        // the revoke really happened mid-traffic: the token worked before and was refused after
        List<Sent> doomedRequests =
                sent.stream().filter(s -> s.kind() == Kind.DOOMED).toList();
        assertThat(doomedRequests).filteredOn(s -> s.status() == 200).isNotEmpty();
        List<Sent> afterRevoke =
                doomedRequests.stream().filter(s -> s.ticket() > revokeReturned).toList();
        assertThat(afterRevoke).hasSizeGreaterThanOrEqualTo(THREADS * (REQUESTS_PER_THREAD - AFTER_REVOKE_FROM) / 2);
        assertThat(afterRevoke)
                .allSatisfy(s -> assertThat(s.status()).as(s.path()).isEqualTo(401));
        assertThat(received)
                .filteredOn(r -> r.path().startsWith("/rest/api/2/doomed/"))
                .allSatisfy(r -> assertThat(ticketOf(r)).as(r.path()).isLessThan(revokeReturned));

        // the upstream sees the owner as identity, never a token or a client-sent identity header
        for (Received r : received) {
            assertThat(r.header("X-Forwarded-User"))
                    .as(r.path())
                    .containsExactly(r.path().startsWith("/rest/api/2/doomed/") ? "rita" : "alice");
            assertThat(r.header("Authorization")).isEmpty();
            assertThat(r.headerNames())
                    .noneMatch(name ->
                            name.equalsIgnoreCase("X_Forwarded_User") || name.equalsIgnoreCase("X.Forwarded.User"));
            String everything = r.headers().toString() + " " + r.path() + " " + r.query();
            assertThat(everything).doesNotContain("mallory", valid, doomed, garbage, "pat_");
        }
    }

    private static long ticketOf(Received received) {
        String path = received.path();
        return Long.parseLong(path.substring(path.lastIndexOf('/') + 1));
    }
}
