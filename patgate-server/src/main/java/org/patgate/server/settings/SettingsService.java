package org.patgate.server.settings;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.patgate.core.PatgateException;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.config.RestConfig;
import org.patgate.server.config.RestKeys;
import org.patgate.server.config.Setting;
import org.patgate.server.principal.Principal;
import org.patgate.server.settings.internal.SettingsDocument;
import org.patgate.server.store.Change;
import org.patgate.server.store.Database;
import org.patgate.server.store.SettingsRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code rest.*} settings in force on this node, and their changes by administrators.
 *
 * <p><b>Precedence.</b> The configuration file gives every value at first start. Once an
 * administrator stores a value through {@link #update}, the stored value wins over the configuration
 * for that field, on every node and across restarts, until it is stored again or {@link #reset};
 * fields the administrator did not set keep following the configuration. {@link Current#source}
 * tells which applies.
 *
 * <p><b>Cluster.</b> The node that stores a change applies it before {@link #update} returns. Every
 * node re-reads the stored settings every {@code refreshInterval} in the background, so a change made
 * elsewhere applies within that interval. A stored document that cannot be read or compiled is logged
 * and the node keeps the rules it has.
 *
 * <p><b>Hot path.</b> {@link #rules()} returns the compiled rules of the current snapshot: one
 * volatile read, no lock, no allocation. Rules are compiled once per change.
 *
 * <p>Thread-safe. Changes and refreshes are serialised on one lock so a slow refresh can never
 * overwrite a newer local change with an older stored one.
 */
public final class SettingsService implements Supplier<RestRules>, AutoCloseable {

    /** The row of the {@code rest.*} settings in the settings table. */
    static final String REST = "rest";
    /** The shortest background re-read interval; a zero token cache TTL must not mean a database read per request. */
    static final Duration MIN_REFRESH = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(SettingsService.class);

    private final Database database;
    private final SettingsRepository repository;
    private final RestConfig config;
    private final Function<RestConfig, RestRules> compiler;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration refreshInterval;
    private final Object lock = new Object();
    private final ScheduledExecutorService refresher;
    private volatile Snapshot current;

    /** What applies now: the stored settings, the values in force, their compiled rules, and who stored them. */
    private record Snapshot(
            RestSettings stored, RestConfig effective, RestRules rules, String updatedBy, Instant updatedAt) {}

    /**
     * Reads the stored settings and starts the background re-read. Fails to start (fail closed) when
     * the stored settings cannot be read or are invalid.
     *
     * @param config   the {@code rest.*} configuration: the defaults
     * @param compiler builds the gateway's rules from values in force (called once per change)
     */
    public SettingsService(
            Database database,
            RestConfig config,
            Function<RestConfig, RestRules> compiler,
            AuditLog audit,
            Clock clock,
            Duration refreshInterval) {
        this.database = Objects.requireNonNull(database, "database");
        this.repository = database.settings();
        this.config = Objects.requireNonNull(config, "config");
        this.compiler = Objects.requireNonNull(compiler, "compiler");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.refreshInterval = refreshInterval.compareTo(MIN_REFRESH) < 0 ? MIN_REFRESH : refreshInterval;
        try {
            this.current = load(repository.find(REST));
        } catch (RuntimeException e) {
            throw new PatgateException(
                    "the REST settings stored in the database are invalid (" + e.getMessage()
                            + "); correct them, or remove them to use the configuration: DELETE FROM settings WHERE name = 'rest'",
                    e);
        }
        logOverrides(current);
        this.refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "patgate-settings-refresh");
            thread.setDaemon(true);
            return thread;
        });
        long period = this.refreshInterval.toMillis();
        refresher.scheduleWithFixedDelay(this::refreshQuietly, period, period, TimeUnit.MILLISECONDS);
    }

    /** The gateway's rules in force: for the hot path (no lock, no allocation). */
    @Override
    public RestRules get() {
        return current.rules();
    }

    /** The settings in force, where each value comes from, and who stored them when. */
    public record Current(
            RestConfig effective, RestSettings stored, String updatedBy, Instant updatedAt, Duration refreshInterval) {

        /** Where a setting's value comes from: {@link Source#STORED} or {@link Source#CONFIGURATION}. */
        public Source source(Setting<RestConfig, ?> setting) {
            return stored.isSet(setting) ? Source.STORED : Source.CONFIGURATION;
        }
    }

    /** Where a value in force comes from. */
    public enum Source {
        /** The configuration file or its environment overrides. */
        CONFIGURATION,
        /** Stored by an administrator; wins over the configuration. */
        STORED
    }

    /** The settings in force (administrators only). */
    public Current current(Principal actor) {
        actor.requireAdmin("read or change settings");
        return view(current);
    }

    /**
     * Replaces the stored settings with {@code settings} (fields left {@code null} follow the
     * configuration), audits the change and applies it on this node at once. Administrators only.
     * Nothing changes when the resulting values are invalid.
     */
    public Current update(Principal actor, String sourceIp, RestSettings settings) {
        actor.requireAdmin("read or change settings");
        Objects.requireNonNull(settings, "settings");
        synchronized (lock) {
            Snapshot before = current;
            // Stored to the microsecond (both databases), so that the re-read finds the same instant.
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            boolean reset = settings.equals(RestSettings.NONE);
            Snapshot after = reset ? compile(settings, null, null) : compile(settings, actor.username(), now);
            String change = describeChange(before, after);
            // The stored document and its audit event commit together; the rules change after the commit.
            database.inTransaction("store the REST settings", () -> {
                if (reset) {
                    repository.delete(REST);
                } else {
                    repository.put(
                            new SettingsRepository.Row(REST, SettingsDocument.write(settings), actor.username(), now));
                }
                database.changes().record(Change.Kind.SETTINGS, "");
                audit.success(actor.username(), reset ? "settings.reset" : "settings.update", REST, sourceIp, change);
            });
            current = after;
            LOG.info("REST settings changed by {}: {}", actor.username(), change);
            return view(after);
        }
    }

    /** Removes every stored value, so that the configuration applies again (administrators only, audited). */
    public Current reset(Principal actor, String sourceIp) {
        return update(actor, sourceIp, RestSettings.NONE);
    }

    /** Re-reads the stored settings now and applies them if they changed (the background task does this). */
    public void refresh() {
        synchronized (lock) {
            Optional<SettingsRepository.Row> row = repository.find(REST);
            Snapshot seen = current;
            String updatedBy = row.map(SettingsRepository.Row::updatedBy).orElse(null);
            Instant updatedAt = row.map(SettingsRepository.Row::updatedAt).orElse(null);
            RestSettings stored =
                    row.map(r -> SettingsDocument.read(r.document())).orElse(RestSettings.NONE);
            if (stored.equals(seen.stored())
                    && Objects.equals(updatedBy, seen.updatedBy())
                    && Objects.equals(updatedAt, seen.updatedAt())) {
                return;
            }
            Snapshot next = compile(stored, updatedBy, updatedAt);
            current = next;
            LOG.info(
                    "REST settings changed on another node by {}: {}",
                    updatedBy == null ? "(reset)" : updatedBy,
                    describeChange(seen, next));
        }
    }

    /** Stops the background re-read. */
    @Override
    public void close() {
        refresher.shutdownNow();
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // Keep the rules in force: dropping to the configuration could open what an admin closed.
            LOG.warn("could not re-read the stored REST settings; keeping the ones in force: {}", e.toString());
        }
    }

    private Snapshot load(Optional<SettingsRepository.Row> row) {
        if (row.isEmpty()) {
            return compile(RestSettings.NONE, null, null);
        }
        SettingsRepository.Row stored = row.get();
        return compile(SettingsDocument.read(stored.document()), stored.updatedBy(), stored.updatedAt());
    }

    private Snapshot compile(RestSettings stored, String updatedBy, Instant updatedAt) {
        RestConfig effective = stored.over(config);
        RestRules rules;
        try {
            rules = compiler.apply(effective);
        } catch (PatgateException | IllegalArgumentException e) {
            // The configuration's rules passed, so this is a value the gateway still cannot use: refuse it.
            throw new InvalidSettingsException(Map.of("rest", e.getMessage()));
        }
        return new Snapshot(stored, effective, rules, updatedBy, updatedAt);
    }

    private Current view(Snapshot snapshot) {
        return new Current(
                snapshot.effective(), snapshot.stored(), snapshot.updatedBy(), snapshot.updatedAt(), refreshInterval);
    }

    private void logOverrides(Snapshot snapshot) {
        for (Setting<RestConfig, ?> setting : RestKeys.ALL) {
            if (snapshot.stored().isSet(setting)
                    && !snapshot.stored().get(setting).equals(setting.valueIn(config))) {
                LOG.warn(
                        "{} is set by an administrator ({} on {}) and overrides the configuration's value; "
                                + "GET /.patgate/api/v1/settings shows it, DELETE resets it",
                        setting.key(),
                        snapshot.updatedBy(),
                        snapshot.updatedAt());
            }
        }
    }

    /** "rest.passwordAuth: block -> allow (stored)"; values only, settings hold no secrets. */
    private static String describeChange(Snapshot before, Snapshot after) {
        List<String> changes = new ArrayList<>();
        for (Setting<RestConfig, ?> setting : RestKeys.ALL) {
            Object was = setting.wireValueIn(before.effective());
            Object is = setting.wireValueIn(after.effective());
            boolean wasStored = before.stored().isSet(setting);
            boolean isStored = after.stored().isSet(setting);
            if (was.equals(is) && wasStored == isStored) {
                continue;
            }
            changes.add(setting.key() + ": " + was + " -> " + is + (isStored ? " (stored)" : " (configuration)"));
        }
        return changes.isEmpty() ? "no change" : String.join("; ", changes);
    }
}
