package org.patgate.server.activity;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.patgate.server.store.TokenRequestRecord;
import org.patgate.server.store.TokenUse;
import org.patgate.server.store.UsageRepository;

/**
 * What one batch of events writes: a use per event (the tokens' last-used columns), one request and
 * error count per token and hour, and the newest {@code recentRequests} requests of each token,
 * oldest first. Only those can survive the trimming of recent requests, so under load a batch writes
 * a bounded number of request rows per token instead of one per request.
 *
 * @param hourly per token and hour: requests, then answers of 400 and above
 */
record BatchRows(List<TokenUse> uses, Map<UsageRepository.HourKey, long[]> hourly, List<TokenRequestRecord> requests) {

    static BatchRows of(List<TokenUseEvent> batch, int recentRequests) {
        List<TokenUse> uses = new ArrayList<>(batch.size());
        List<TokenRequestRecord> requests = new ArrayList<>();
        Map<String, Integer> kept = new HashMap<>();
        Map<UsageRepository.HourKey, long[]> hourly = new HashMap<>();
        for (int i = batch.size() - 1; i >= 0; i--) {
            TokenUseEvent e = batch.get(i);
            uses.add(new TokenUse(e.tokenId(), e.at(), e.clientIp(), e.userAgent()));
            long[] counts = hourly.computeIfAbsent(new UsageRepository.HourKey(e.tokenId(), e.at()), k -> new long[2]);
            counts[0]++;
            if (e.status() >= 400) {
                counts[1]++;
            }
            if (kept.merge(e.tokenId(), 1, Integer::sum) <= recentRequests) {
                requests.add(new TokenRequestRecord(
                        e.tokenId(),
                        e.at(),
                        e.method(),
                        e.path(),
                        e.status(),
                        e.latencyMicros(),
                        e.clientIp(),
                        e.userAgent()));
            }
        }
        Collections.reverse(requests);
        return new BatchRows(uses, hourly, requests);
    }
}
