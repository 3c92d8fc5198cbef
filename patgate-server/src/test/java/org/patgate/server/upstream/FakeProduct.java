package org.patgate.server.upstream;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The native token API of an upstream product, played in memory for tests: tokens it knows (token
 * to username), passwords it accepts for minting, and the revocations it was asked for. It can be
 * unreachable, and can refuse to revoke a token by the token itself (as some products do).
 */
final class FakeProduct implements NativeAccounts {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A token the product knows: whose it is and its id on the product. */
    record Issued(String username, String id) {}

    private final Map<String, Issued> tokens = new ConcurrentHashMap<>();
    private final Map<String, String> passwords = new ConcurrentHashMap<>();
    private final List<String> revokedIds = new CopyOnWriteArrayList<>();
    private final List<String> revokedTokens = new CopyOnWriteArrayList<>();
    private final List<String> mintedSecrets = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger(100);
    private final Clock clock;
    volatile boolean unreachable;
    volatile boolean revocationAllowed = true;

    FakeProduct(Clock clock) {
        this.clock = clock;
    }

    /** A token of {@code username} the user created on the product themselves. */
    String issue(String username) {
        String token = newSecret();
        tokens.put(token, new Issued(username, String.valueOf(ids.incrementAndGet())));
        return token;
    }

    void acceptPassword(String username, String password) {
        passwords.put(username, password);
    }

    List<String> revokedIds() {
        return new ArrayList<>(revokedIds);
    }

    List<String> revokedTokens() {
        return new ArrayList<>(revokedTokens);
    }

    List<String> mintedSecrets() {
        return new ArrayList<>(mintedSecrets);
    }

    boolean knows(String token) {
        return tokens.containsKey(token);
    }

    @Override
    public NativeAccount whoAmI(String nativeToken) {
        reachable();
        Issued issued = tokens.get(nativeToken);
        if (issued == null) {
            throw new NativeTokenRejectedException("the upstream product does not accept this token");
        }
        return new NativeAccount(issued.username(), issued.username() + " Display");
    }

    @Override
    public MintedNativeToken mint(String username, char[] password, String name, Duration lifetime) {
        reachable();
        if (!new String(password).equals(passwords.get(username))) {
            throw new NativeTokenRejectedException("the upstream product refused the username and password");
        }
        String token = newSecret();
        String id = String.valueOf(ids.incrementAndGet());
        tokens.put(token, new Issued(username, id));
        mintedSecrets.add(token);
        return new MintedNativeToken(id, token, clock.instant().plus(lifetime));
    }

    @Override
    public RevocationOutcome revoke(String username, String nativeTokenId, String nativeToken) {
        reachable();
        if (!revocationAllowed) {
            return RevocationOutcome.notDone("the product does not let a token revoke itself");
        }
        Issued issued = tokens.remove(nativeToken);
        if (issued == null || !issued.username().equals(username)) {
            return RevocationOutcome.notDone("the product does not know the token");
        }
        revokedIds.add(issued.id());
        revokedTokens.add(nativeToken);
        return RevocationOutcome.done();
    }

    private void reachable() {
        if (unreachable) {
            throw new UpstreamUnavailableException("the upstream product could not be reached: connection refused");
        }
    }

    private static String newSecret() {
        byte[] bytes = new byte[33];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
