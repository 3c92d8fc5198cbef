package org.patgate.server.activity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.TokenAddress;
import org.patgate.server.store.TokenAddressRepository;
import org.patgate.server.token.TokenQueries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last {@link #KEPT} distinct client addresses of each token, with first and last time seen and the
 * newest user agent, written by the activity writer from its batches (never on the request thread).
 * {@link #onNewAddress} listeners hear of each address a token had not been seen from (among those
 * kept), on the writer thread, after it is stored. Reading goes through {@link TokenQueries}' visibility:
 * a token the caller may not see is not found. Thread-safe.
 */
public final class IpHistory implements ActivityRecorder.Extension {

    private static final Logger LOG = LoggerFactory.getLogger(IpHistory.class);
    /** How many addresses are kept per token. */
    public static final int KEPT = 10;
    /** How much later a known address's last-seen time must be before it is written again. */
    private static final long TOUCH_SECONDS = 60;

    private static final int MAX_REMEMBERED = 100_000;

    /** A token was used from an address it had not been seen from. Carries no secret. */
    public record NewAddress(String tokenId, String address, String userAgent, Instant at) {}

    private final TokenAddressRepository store;
    private final TokenQueries tokens;
    private final List<Consumer<NewAddress>> listeners = new CopyOnWriteArrayList<>();
    /** Token and address to the last-seen time last written; the writer's thread only. */
    private final Map<String, Instant> written = new HashMap<>();

    public IpHistory(TokenAddressRepository store, TokenQueries tokens) {
        this.store = store;
        this.tokens = tokens;
    }

    /** Calls {@code listener} for every new address of a token; a failing listener is logged and skipped. */
    public void onNewAddress(Consumer<NewAddress> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** A token's addresses, most recently seen first. */
    public List<TokenAddress> addresses(Principal actor, String tokenId) {
        return store.of(tokens.get(actor, tokenId).id());
    }

    @Override
    public void written(List<TokenUseEvent> batch) {
        Map<String, TokenAddress> sightings = new LinkedHashMap<>();
        for (TokenUseEvent event : batch) {
            if (event.clientIp() == null) {
                continue;
            }
            sightings.merge(
                    event.tokenId() + ' ' + event.clientIp(),
                    new TokenAddress(event.tokenId(), event.clientIp(), event.at(), event.at(), event.userAgent()),
                    (a, b) -> new TokenAddress(
                            a.tokenId(),
                            a.address(),
                            a.firstSeen().isBefore(b.firstSeen()) ? a.firstSeen() : b.firstSeen(),
                            a.lastSeen().isAfter(b.lastSeen()) ? a.lastSeen() : b.lastSeen(),
                            b.userAgent() == null ? a.userAgent() : b.userAgent()));
        }
        List<TokenAddress> due = new ArrayList<>();
        for (Map.Entry<String, TokenAddress> sighting : sightings.entrySet()) {
            Instant last = written.get(sighting.getKey());
            // Under load a known address is written about once a minute, not once a batch.
            if (last == null || sighting.getValue().lastSeen().isAfter(last.plusSeconds(TOUCH_SECONDS))) {
                due.add(sighting.getValue());
            }
        }
        List<TokenAddress> added = store.record(due, KEPT);
        if (written.size() > MAX_REMEMBERED) {
            written.clear();
        }
        due.forEach(a -> written.put(a.tokenId() + ' ' + a.address(), a.lastSeen()));
        for (TokenAddress address : added) {
            NewAddress news =
                    new NewAddress(address.tokenId(), address.address(), address.userAgent(), address.firstSeen());
            for (Consumer<NewAddress> listener : listeners) {
                try {
                    listener.accept(news);
                } catch (RuntimeException e) {
                    LOG.warn("a new-address listener failed for token {}: {}", address.tokenId(), e.toString());
                }
            }
        }
    }
}
