package org.patgate.bench;

import java.time.Duration;
import org.patgate.server.upstream.MintedNativeToken;
import org.patgate.server.upstream.NativeAccount;
import org.patgate.server.upstream.NativeAccounts;
import org.patgate.server.upstream.NativeTokenRejectedException;
import org.patgate.server.upstream.UpstreamUnavailableException;

/**
 * Plays the upstream product for the benchmarks: one native token that belongs to one user. The
 * product is the boundary of the measured path (the gateway never asks it per request), so this is
 * the only stand-in; {@code UpstreamLinks}, the cipher and the store are the real ones. Thread-safe.
 */
final class BenchNativeAccounts implements NativeAccounts {

    private final String nativeToken;
    private final String username;

    BenchNativeAccounts(String nativeToken, String username) {
        this.nativeToken = nativeToken;
        this.username = username;
    }

    @Override
    public NativeAccount whoAmI(String token) {
        if (!nativeToken.equals(token)) {
            throw new NativeTokenRejectedException("the product does not know this token");
        }
        return new NativeAccount(username, username);
    }

    @Override
    public MintedNativeToken mint(String user, char[] password, String name, Duration lifetime) {
        throw new UpstreamUnavailableException("the benchmark product does not mint tokens");
    }

    @Override
    public RevocationOutcome revoke(String user, String nativeTokenId, String token) {
        return RevocationOutcome.notDone("the benchmark product does not revoke tokens");
    }
}
