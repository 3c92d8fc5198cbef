package org.patgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The notification outbox and targets on H2 and PostgreSQL: a notice is queued once per dedup key,
 * due ones come oldest first and bounded, one claim wins per attempt, and the log pages and filters.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class NotificationRepositoryTest extends StoreTestBase {

    private static NewDelivery notice(String key, String tokenId) {
        return new NewDelivery(
                key, "token.expiring", tokenId, "mail", "bob@example.com", null, "expires soon", "body of " + key);
    }

    @Test
    void aNoticeIsQueuedOncePerDedupKey() {
        assertThat(db.notifications().enqueue(notice("k1", "t1"), T0)).isTrue();
        assertThat(db.notifications().enqueue(notice("k1", "t1"), T0.plusSeconds(5)))
                .isFalse();

        assertThat(db.notifications().list(null, null, new PageRequest(0, 50)).total())
                .isEqualTo(1);
    }

    @Test
    void dueNoticesComeOldestFirstBoundedAndOnlyOneClaimWinsAnAttempt() {
        db.notifications().enqueue(notice("a", "t1"), T0);
        db.notifications().enqueue(notice("b", "t1"), T0.plusSeconds(1));
        db.notifications().enqueue(notice("c", "t2"), T0.plusSeconds(2));
        db.notifications().enqueue(notice("later", "t2"), T0.plusSeconds(3600));

        List<DeliveryRecord> due = db.notifications().due(T0.plusSeconds(10), 2);

        assertThat(due).extracting(DeliveryRecord::payload).containsExactly("body of a", "body of b");
        long id = due.getFirst().id();
        Instant retryAt = T0.plusSeconds(70);
        assertThat(db.notifications().claim(id, 0, retryAt)).isTrue();
        // A second node that read the same row loses: the attempt count moved on.
        assertThat(db.notifications().claim(id, 0, retryAt)).isFalse();
        assertThat(db.notifications().due(T0.plusSeconds(10), 10))
                .extracting(DeliveryRecord::payload)
                .containsExactly("body of b", "body of c");

        db.notifications().markRetry(id, T0.plusSeconds(60), "HTTP 500");
        db.notifications().markSent(due.get(1).id(), T0.plusSeconds(11));
        DeliveryRecord retried = db.notifications()
                .list("pending", "t1", new PageRequest(0, 50))
                .items()
                .getFirst();
        assertThat(retried.attempts()).isEqualTo(1);
        assertThat(retried.lastError()).isEqualTo("HTTP 500");
        // The store keeps microseconds.
        assertThat(retried.nextAttemptAt()).isEqualTo(T0.plusSeconds(60).truncatedTo(ChronoUnit.MICROS));
        assertThat(db.notifications().list("sent", null, new PageRequest(0, 50)).items())
                .extracting(DeliveryRecord::payload)
                .containsExactly("body of b");

        db.notifications().markFailed(id, "gave up");
        assertThat(db.notifications()
                        .list("failed", "t1", new PageRequest(0, 50))
                        .total())
                .isEqualTo(1);
        assertThat(db.notifications().list(null, "t2", new PageRequest(0, 1)).items())
                .extracting(DeliveryRecord::payload)
                .containsExactly("body of later");
    }

    @Test
    void aTargetIsReplacedWholeAndDeleted() {
        db.notifications().putTarget(new NotificationTargetRecord("dev", "dev@example.com", null, null));
        db.notifications()
                .putTarget(
                        new NotificationTargetRecord("dev", null, "https://hooks.example.com/x", "s3cret-s3cret-s3"));

        assertThat(db.notifications().target("dev"))
                .hasValue(new NotificationTargetRecord("dev", null, "https://hooks.example.com/x", "s3cret-s3cret-s3"));
        assertThat(db.notifications().targets()).hasSize(1);
        assertThat(db.notifications().deleteTarget("dev")).isTrue();
        assertThat(db.notifications().deleteTarget("dev")).isFalse();
        assertThat(db.notifications().target("dev")).isEmpty();
    }
}
