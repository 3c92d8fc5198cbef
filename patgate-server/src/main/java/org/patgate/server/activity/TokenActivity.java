package org.patgate.server.activity;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.patgate.server.directory.Principal;
import org.patgate.server.store.ActivityRepository;
import org.patgate.server.store.TokenRequestRecord;
import org.patgate.server.token.TokenService;

/**
 * What a token has been used for, as its owner (or an admin) may see it: the recent requests and
 * requests per hour. Visibility is the token service's: a token the caller may not see is not found.
 * The counts cover the requests the store keeps per token ({@code activity.recentRequests}), so a
 * token used more than that within the window shows only its newest requests. Thread-safe.
 */
public final class TokenActivity {

    /** The most requests read to count; the store keeps fewer per token by default. */
    private static final int MAX_COUNTED = 10_000;

    private final TokenService tokens;
    private final ActivityRepository store;
    private final Clock clock;

    public TokenActivity(TokenService tokens, ActivityRepository store, Clock clock) {
        this.tokens = tokens;
        this.store = store;
        this.clock = clock;
    }

    /** Requests per clock hour (UTC), oldest first, ending with the current hour. */
    public record HourlyCounts(List<Instant> hours, List<Integer> counts) {
        public HourlyCounts {
            hours = List.copyOf(hours);
            counts = List.copyOf(counts);
            if (hours.size() != counts.size()) {
                throw new IllegalArgumentException("hours and counts differ in length");
            }
        }

        public int total() {
            return counts.stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** The newest requests made with a token, newest first. */
    public List<TokenRequestRecord> recent(Principal actor, String tokenId, int limit) {
        return store.recent(tokens.get(actor, tokenId).id(), limit);
    }

    /** Requests per hour over the last {@code hours} hours (1 to 24 × 31). */
    public HourlyCounts hourly(Principal actor, String tokenId, int hours) {
        if (hours < 1 || hours > 24 * 31) {
            throw new IllegalArgumentException("hours: 1 to " + 24 * 31 + ", not " + hours);
        }
        String id = tokens.get(actor, tokenId).id();
        Instant currentHour = clock.instant().truncatedTo(ChronoUnit.HOURS);
        Instant first = currentHour.minus(hours - 1L, ChronoUnit.HOURS);
        int[] counts = new int[hours];
        for (TokenRequestRecord request : store.recent(id, MAX_COUNTED)) {
            if (request.at().isBefore(first)) {
                break; // newest first: everything after this is older still
            }
            long bucket = ChronoUnit.HOURS.between(first, request.at().truncatedTo(ChronoUnit.HOURS));
            if (bucket < hours) {
                counts[(int) bucket]++;
            }
        }
        List<Instant> starts = new ArrayList<>(hours);
        List<Integer> values = new ArrayList<>(hours);
        for (int i = 0; i < hours; i++) {
            starts.add(first.plus(i, ChronoUnit.HOURS));
            values.add(counts[i]);
        }
        return new HourlyCounts(starts, values);
    }
}
