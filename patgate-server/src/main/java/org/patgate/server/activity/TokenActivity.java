package org.patgate.server.activity;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.ActivityRepository;
import org.patgate.server.store.HourlyUsage;
import org.patgate.server.store.TokenRequestRecord;
import org.patgate.server.store.UsageRepository;
import org.patgate.server.token.TokenQueries;

/**
 * What a token has been used for, as its owner (or an admin) may see it: the recent requests and
 * requests per hour. Visibility is {@link TokenQueries}': a token the caller may not see is not found.
 * The hourly counts come from the per-hour counters, which count every request (the recent requests
 * are only the newest {@code activity.recentRequests}). The web UI and the API both read it here.
 * Thread-safe.
 */
public final class TokenActivity {

    /** How far back hourly counts go: as long as the counters are kept. */
    public static final int MAX_HOURS = (int) ActivityRecorder.USAGE_RETENTION.toHours();

    private final TokenQueries tokens;
    private final ActivityRepository store;
    private final UsageRepository usage;
    private final Clock clock;

    public TokenActivity(TokenQueries tokens, ActivityRepository store, UsageRepository usage, Clock clock) {
        this.tokens = tokens;
        this.store = store;
        this.usage = usage;
        this.clock = clock;
    }

    /**
     * Requests per clock hour (UTC), oldest first, ending with the current hour; every hour present,
     * zero when unused. {@code failed} counts the requests answered 400 or above.
     */
    public record HourlyCounts(List<Instant> hours, List<Long> counts, List<Long> failed) {
        public HourlyCounts {
            hours = List.copyOf(hours);
            counts = List.copyOf(counts);
            failed = List.copyOf(failed);
            if (hours.size() != counts.size() || hours.size() != failed.size()) {
                throw new IllegalArgumentException("hours and counts differ in length");
            }
        }

        public long total() {
            return counts.stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The newest requests made with a token, newest first. */
    public List<TokenRequestRecord> recent(Principal actor, String tokenId, int limit) {
        return store.recent(tokens.get(actor, tokenId).id(), limit);
    }

    /** Requests per hour over the last {@code hours} hours (1 to {@link #MAX_HOURS}). */
    public HourlyCounts hourly(Principal actor, String tokenId, int hours) {
        if (hours < 1 || hours > MAX_HOURS) {
            throw new IllegalArgumentException("hours: 1 to " + MAX_HOURS + ", not " + hours);
        }
        String id = tokens.get(actor, tokenId).id();
        Instant end = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
        Instant first = end.minus(hours, ChronoUnit.HOURS);
        Map<Instant, HourlyUsage> found = new HashMap<>();
        usage.between(id, first, end).forEach(h -> found.put(h.hourStart(), h));
        List<Instant> starts = new ArrayList<>(hours);
        List<Long> counts = new ArrayList<>(hours);
        List<Long> failed = new ArrayList<>(hours);
        for (int i = 0; i < hours; i++) {
            Instant hour = first.plus(i, ChronoUnit.HOURS);
            HourlyUsage h = found.get(hour);
            starts.add(hour);
            counts.add(h == null ? 0 : h.requests());
            failed.add(h == null ? 0 : h.failed());
        }
        return new HourlyCounts(starts, counts, failed);
    }
}
