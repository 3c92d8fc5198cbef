package org.patgate.server.audit;

import java.time.Clock;
import java.util.Locale;
import org.patgate.server.store.AuditRepository;
import org.patgate.server.store.NewAuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every management action (and every failed login) as an audit event: who, what, on which
 * target, from where, with which outcome. Callers pass identifiers and reasons only, never a secret;
 * {@link #record} additionally refuses to store anything that looks like a token of this
 * installation, as a last line of defence.
 *
 * <p>Thread-safe. Writes synchronously: management actions are rare and their trail must not be
 * lost; the gateway's hot path never writes here.
 */
public final class AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private final AuditRepository repository;
    private final Clock clock;
    private final SecretRedactor redactor;

    public AuditLog(AuditRepository repository, Clock clock, SecretRedactor redactor) {
        this.repository = repository;
        this.clock = clock;
        this.redactor = redactor;
    }

    public void success(String actor, String action, String target, String sourceIp, String detail) {
        record(actor, action, target, sourceIp, Outcome.SUCCESS, detail);
    }

    public void failure(String actor, String action, String target, String sourceIp, String detail) {
        record(actor, action, target, sourceIp, Outcome.FAILURE, detail);
    }

    public void record(String actor, String action, String target, String sourceIp, Outcome outcome, String detail) {
        NewAuditEvent event = new NewAuditEvent(
                clock.instant(),
                redactor.redact(actor),
                action,
                redactor.redact(target),
                sourceIp,
                outcome.wireName(),
                redactor.redact(detail));
        repository.append(event);
        LOG.info(
                "audit actor={} action={} target={} ip={} outcome={}",
                event.actor(),
                action,
                event.target(),
                sourceIp,
                outcome.wireName());
    }

    /** Whether the audited action did what was asked. */
    public enum Outcome {
        SUCCESS,
        FAILURE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
