package org.patgate.bench;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.patgate.core.token.TokenDigester;
import org.patgate.core.token.TokenFormat;
import org.patgate.server.store.Database;
import org.patgate.server.store.NewUser;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Fills a freshly migrated PATgate database with many active tokens, fast: owners through the real
 * {@code UserRepository}, tokens straight into the real {@code tokens} table (JDBC batches on H2,
 * {@code COPY} on PostgreSQL), each digest computed by the real {@link TokenDigester} so the tokens
 * really verify. A random sample of the plaintext tokens is kept in memory for the measurement and
 * never written anywhere; the rest are forgotten. Then {@code ANALYZE}, as autovacuum would have
 * done on a real installation. Not thread-safe.
 */
final class TokenSeeder {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("run-scale");

    /** What was seeded; {@code samples} are plaintext tokens in random order. */
    record Seeded(int tokens, int users, List<String> samples, long millis) {}

    private static final String INSERT = """
            INSERT INTO tokens (id, digest, hint, name, owner_id, creator_id, scope, allowed_ips, expires_at,
                                created_at, status, rules)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, 'active', NULL)""";
    private static final String COPY = """
            COPY tokens (id, digest, hint, name, owner_id, creator_id, scope, allowed_ips, expires_at, created_at,
                         status, rules) FROM STDIN WITH (FORMAT text)""";
    private static final int BATCH = 10_000;

    private final Database database;
    private final TokenFormat format;
    private final TokenDigester digester;
    // DRBG: a real SecureRandom without NativePRNG's lock and system call per draw; one per thread
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(() -> {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    TokenSeeder(Database database, TokenFormat format, TokenDigester digester) {
        this.database = database;
        this.format = format;
        this.digester = digester;
    }

    /** One token row; {@code plaintext} only for a sampled token, else null. */
    private record Row(String id, String digestHex, String hint, long ownerId, String scope, String plaintext) {}

    /** Receives the rows of one batch, in order. */
    private interface BatchSink {
        void accept(Row[] rows) throws SQLException;
    }

    /** Seeds {@code tokens} tokens spread round-robin over {@code users} new owners. */
    Seeded seed(int tokens, int users, int samples) throws SQLException {
        long start = System.nanoTime();
        long[] owners = new long[users];
        for (int i = 0; i < users; i++) {
            owners[i] = database.users()
                    .create(new NewUser(
                            String.format("scale-user-%05d", i),
                            "Scale User " + i,
                            null,
                            null,
                            NewUser.SOURCE_LOCAL,
                            true))
                    .id();
        }
        BitSet sampled = chooseSamples(tokens, Math.min(samples, tokens));
        List<String> kept = new ArrayList<>(samples);
        Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            if (database.kind() == Database.Kind.POSTGRESQL) {
                copy(connection, tokens, owners, createdAt, sampled, kept);
            } else {
                insertBatches(connection, tokens, owners, createdAt, sampled, kept);
            }
            connection.commit();
            try (Statement statement = connection.createStatement()) {
                statement.execute("ANALYZE"); // both H2 and PostgreSQL accept it
            }
            connection.commit();
        }
        Collections.shuffle(kept, RANDOM.get());
        return new Seeded(tokens, users, List.copyOf(kept), (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Generates the rows (random token, HMAC) on all cores, one batch ahead of the sink, which
     * writes on the calling thread: generating and writing overlap.
     */
    private void generate(int tokens, long[] owners, BitSet sampled, List<String> kept, BatchSink sink)
            throws SQLException {
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "scale-seed");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Row[]>> next = submit(pool, threads, 0, Math.min(BATCH, tokens), owners, sampled);
            for (int from = 0; from < tokens; from += BATCH) {
                List<Future<Row[]>> current = next;
                int following = from + BATCH;
                next = following < tokens
                        ? submit(pool, threads, following, Math.min(following + BATCH, tokens), owners, sampled)
                        : List.of();
                for (Future<Row[]> part : current) {
                    Row[] rows = part.get();
                    for (Row row : rows) {
                        if (row.plaintext() != null) {
                            kept.add(row.plaintext());
                        }
                    }
                    sink.accept(rows);
                }
                if (following % 100_000 == 0) {
                    LOG.info(String.format(Locale.ROOT, "  %,d tokens written", following));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while seeding", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("generating tokens failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private List<Future<Row[]>> submit(
            ExecutorService pool, int parts, int from, int to, long[] owners, BitSet sampled) {
        List<Future<Row[]>> futures = new ArrayList<>(parts);
        for (int part = 0; part < parts; part++) {
            int partFrom = from + (to - from) * part / parts;
            int partTo = from + (to - from) * (part + 1) / parts;
            futures.add(pool.submit(() -> {
                Row[] rows = new Row[partTo - partFrom];
                SecureRandom random = RANDOM.get();
                for (int i = partFrom; i < partTo; i++) {
                    String token = format.generate(random);
                    long owner = owners[i % owners.length];
                    rows[i - partFrom] = new Row(
                            id(i),
                            digester.digest(token).hex(),
                            TokenFormat.hintOf(token),
                            owner,
                            scope(i),
                            sampled.get(i) ? token : null);
                }
                return rows;
            }));
        }
        return futures;
    }

    private void insertBatches(
            Connection connection, int tokens, long[] owners, Instant createdAt, BitSet sampled, List<String> kept)
            throws SQLException {
        Timestamp created = Timestamp.from(createdAt);
        try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
            generate(tokens, owners, sampled, kept, rows -> {
                for (Row row : rows) {
                    statement.setString(1, row.id());
                    statement.setString(2, row.digestHex());
                    statement.setString(3, row.hint());
                    statement.setString(4, "scale token " + row.id());
                    statement.setLong(5, row.ownerId());
                    statement.setLong(6, row.ownerId());
                    statement.setString(7, row.scope());
                    statement.setString(8, "");
                    statement.setTimestamp(9, created);
                    statement.addBatch();
                }
                statement.executeBatch();
                connection.commit();
            });
        }
    }

    private void copy(
            Connection connection, int tokens, long[] owners, Instant createdAt, BitSet sampled, List<String> kept)
            throws SQLException {
        String created = createdAt.toString(); // ISO-8601 with Z: PostgreSQL reads it as UTC
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
        try {
            StringBuilder text = new StringBuilder(BATCH * 200);
            generate(tokens, owners, sampled, kept, rows -> {
                text.setLength(0);
                for (Row row : rows) {
                    // text format: tab-separated, \N is NULL; no value here contains a tab or backslash
                    text.append(row.id())
                            .append('\t')
                            .append(row.digestHex())
                            .append('\t')
                            .append(row.hint())
                            .append("\tscale token ")
                            .append(row.id())
                            .append('\t')
                            .append(row.ownerId())
                            .append('\t')
                            .append(row.ownerId())
                            .append('\t')
                            .append(row.scope())
                            .append("\t\t\\N\t")
                            .append(created)
                            .append("\tactive\t\\N\n");
                }
                byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
                copy.writeToCopy(bytes, 0, bytes.length);
            });
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    /** Unique, readable ids that fit the id column (the server's own are 12 random base62 characters). */
    private static String id(int i) {
        return String.format("scale%07d", i);
    }

    private static String scope(int i) {
        return i % 4 == 0 ? "read-only" : "read-write";
    }

    private static BitSet chooseSamples(int tokens, int count) {
        BitSet chosen = new BitSet(tokens);
        for (int set = 0; set < count; ) {
            int index = RANDOM.get().nextInt(tokens);
            if (!chosen.get(index)) {
                chosen.set(index);
                set++;
            }
        }
        return chosen;
    }
}
