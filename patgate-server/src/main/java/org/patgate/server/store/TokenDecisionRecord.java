package org.patgate.server.store;

import java.time.Instant;

/** An administrator's decision on a pending token: approved or denied, why, by whom, when. */
public record TokenDecisionRecord(
        String tokenId, String decision, String reason, String decidedBy, Instant decidedAt) {}
