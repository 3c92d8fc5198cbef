package org.patgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class AuditRepositoryTest extends StoreTestBase {

    private void append(Instant at, String actor, String action) {
        db.audit().append(new NewAuditEvent(at, actor, action, "token:t1", "192.0.2.7", "success", "detail"));
    }

    private Page<AuditEvent> search(String actor, String action, Instant from, Instant to) {
        return db.audit().search(new AuditQuery(actor, action, from, to, new PageRequest(0, 100)));
    }

    @Test
    void appendedEventRoundTripsEveryField() {
        db.audit()
                .append(new NewAuditEvent(
                        T0, "alice", "token.create", "token:AbC", "2001:db8::7", "success", "scope=read-only"));

        Page<AuditEvent> page = search(null, null, null, null);
        assertThat(page.total()).isEqualTo(1);
        AuditEvent event = page.items().getFirst();
        assertThat(event.id()).isPositive();
        assertThat(event.occurredAt()).isEqualTo(T0.truncatedTo(ChronoUnit.MICROS));
        assertThat(event.actor()).isEqualTo("alice");
        assertThat(event.action()).isEqualTo("token.create");
        assertThat(event.target()).isEqualTo("token:AbC");
        assertThat(event.sourceIp()).isEqualTo("2001:db8::7");
        assertThat(event.outcome()).isEqualTo("success");
        assertThat(event.detail()).isEqualTo("scope=read-only");
    }

    @Test
    void optionalFieldsMayBeNull() {
        db.audit().append(new NewAuditEvent(T0, null, "system.start", null, null, null, null));

        AuditEvent event = search(null, null, null, null).items().getFirst();
        assertThat(event.actor()).isNull();
        assertThat(event.target()).isNull();
        assertThat(event.detail()).isNull();
    }

    @Test
    void searchFiltersByActorActionAndHalfOpenTimeRangeNewestFirst() {
        append(T0, "alice", "login");
        append(T0.plusSeconds(1), "bob", "login");
        append(T0.plusSeconds(2), "alice", "token.create");
        append(T0.plusSeconds(3), "alice", "token.revoke");
        append(T0.plusSeconds(4), "bob", "token.create");

        assertThat(actions(search("alice", null, null, null))).containsExactly("token.revoke", "token.create", "login");
        assertThat(actors(search(null, "token.create", null, null))).containsExactly("bob", "alice");
        assertThat(actions(search(null, null, T0.plusSeconds(1), T0.plusSeconds(3))))
                .containsExactly("token.create", "login");
        assertThat(actions(search("alice", null, T0.plusSeconds(2), null)))
                .containsExactly("token.revoke", "token.create");
        assertThat(actions(search(null, null, null, T0.plusSeconds(1)))).containsExactly("login");
        assertThat(search("ALICE", null, null, null).total()).isZero();
        assertThat(search("alice", "login", T0, T0.plusSeconds(5)).total()).isEqualTo(1);
    }

    @Test
    void searchPagesWithTotalsAndBreaksTiesByNewestId() {
        for (int i = 0; i < 7; i++) {
            append(T0, "carol", "action-" + i);
        }

        Page<AuditEvent> first = db.audit().search(new AuditQuery("carol", null, null, null, new PageRequest(0, 3)));
        assertThat(actions(first)).containsExactly("action-6", "action-5", "action-4");
        assertThat(first.total()).isEqualTo(7);
        Page<AuditEvent> last = db.audit().search(new AuditQuery("carol", null, null, null, new PageRequest(2, 3)));
        assertThat(actions(last)).containsExactly("action-0");
        assertThat(last.total()).isEqualTo(7);
    }

    @Test
    void overlongFieldsAreTruncatedNotRefused() {
        String emoji = "\uD83D\uDE00";
        String detail = "d".repeat(999) + emoji + "tail";
        db.audit()
                .append(new NewAuditEvent(
                        T0,
                        "a".repeat(300),
                        "x".repeat(100),
                        "t".repeat(300),
                        "1".repeat(60),
                        "outcome-that-is-too-long",
                        detail));

        AuditEvent event = search(null, null, null, null).items().getFirst();
        assertThat(event.actor()).hasSize(255);
        assertThat(event.action()).hasSize(64);
        assertThat(event.target()).hasSize(255);
        assertThat(event.sourceIp()).hasSize(45);
        assertThat(event.outcome()).hasSize(16);
        // the emoji straddles the limit: dropped whole, never split into a lone surrogate
        assertThat(event.detail()).isEqualTo("d".repeat(999));
    }

    private static List<String> actions(Page<AuditEvent> page) {
        return page.items().stream().map(AuditEvent::action).toList();
    }

    private static List<String> actors(Page<AuditEvent> page) {
        return page.items().stream().map(AuditEvent::actor).toList();
    }
}
