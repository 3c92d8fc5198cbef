package org.patgate.bench;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.patgate.core.decision.ReadOnlyPolicy;
import org.patgate.core.path.NormalizedPath;
import org.patgate.core.path.PathNormalizer;
import org.patgate.core.path.PathPatternSet;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.audit.SecretRedactor;
import org.patgate.server.config.CredentialKeys;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.gateway.AccessDecider;
import org.patgate.server.gateway.Credentials;
import org.patgate.server.gateway.GatewayDecision;
import org.patgate.server.gateway.NativeCredentialSwap;
import org.patgate.server.policy.RateLimit;
import org.patgate.server.principal.Permission;
import org.patgate.server.principal.Principal;
import org.patgate.server.ratelimit.AppliedLimit;
import org.patgate.server.ratelimit.RateLimiter;
import org.patgate.server.ratelimit.Usage;
import org.patgate.server.upstream.CredentialCipher;
import org.patgate.server.upstream.UpstreamLinks;

/**
 * The per-request work around the token check: normalising a Jira REST path (clean and dirty),
 * and the whole {@link AccessDecider} decision for a cached read-only token doing a GET, with the
 * gateway's default rules (REST paths {@code /rest/**}, passwords blocked, anonymous refused);
 * and the same decision followed by identity mode {@code upstream-token}'s swap to the owner's
 * native token ({@link NativeCredentialSwap} over a real {@link UpstreamLinks}, H2 and
 * {@link CredentialCipher}, the link made with {@link UpstreamLinks#linkPasted}, its cache warm);
 * and the same decision followed by what the gateway adds for a token with a rate limit that is never
 * exceeded (one consumption of its buckets, looked up by name, and the two answer fields).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GatewayDecisionBenchmark {

    static final String JIRA_PATH = "/rest/api/2/issue/PROJ-1234/comment";
    /** Path parameter, dot-dot and a percent-encoded letter: every normalisation step does work. */
    static final String DIRTY_PATH = "/rest/api/2/search;jsessionid=x/../issue/%50ROJ-1";

    private VerifierFixture fixture;
    private AccessDecider decider;
    private AccessDecider.RequestFacts readOnlyGet;
    private NativeCredentialSwap swap;
    private RateLimiter limiter;
    private AppliedLimit limit;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fixture = new VerifierFixture(org.patgate.core.token.Scope.READ_ONLY);
        decider = new AccessDecider(
                fixture.verifier,
                PathPatternSet.of(List.of("/rest/**")),
                new ReadOnlyPolicy(PathPatternSet.of(List.of("/rest/api/2/search"))),
                true,
                false,
                user -> false,
                org.patgate.core.net.IpRangeSet.of(List.of()));
        readOnlyGet = new AccessDecider.RequestFacts(
                "GET",
                "/rest/api/2/issue/PROJ-1",
                InetAddress.getByName("127.0.0.1"),
                new Credentials.Token(fixture.knownToken, false),
                false);
        VerifierFixture.require(
                decider.decide(readOnlyGet) instanceof GatewayDecision.Forward f && f.tokenId() != null,
                "a read-only GET with a cached token is forwarded");
        swap = nativeCredentialSwap();
        limiter = new RateLimiter(Clock.systemUTC(), 100_000);
        // Ten million a second: never exceeded by one benchmark thread, so every request is counted and let through.
        limit = AppliedLimit.of("token:bench", new RateLimit(RateLimit.MAX, null, null, RateLimit.MAX), "the token");
        VerifierFixture.require(limiter.consume(limit).allowed(), "the rate limit lets the request through");
        VerifierFixture.require(
                PathNormalizer.normalize(JIRA_PATH) instanceof NormalizedPath.Ok, "the Jira path normalises");
    }

    /** The owner of the fixture's token links a native token they pasted; the first swap warms the cache. */
    private NativeCredentialSwap nativeCredentialSwap() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String nativeToken = "NjQ" + HexFormat.of().formatHex(secret);
        UpstreamLinks links = new UpstreamLinks(
                fixture.database,
                new CredentialCipher(CredentialKeys.generate()),
                new BenchNativeAccounts(nativeToken, "bench"),
                new AuditLog(fixture.database.audit(), Clock.systemUTC(), new SecretRedactor(fixture.format)),
                Clock.systemUTC(),
                VerifierFixture.CACHE_TTL);
        links.linkPasted(
                new Principal(fixture.ownerId, "bench", "Bench User", Set.of(), Set.of(Permission.USE_TOKENS)),
                nativeToken);
        NativeCredentialSwap nativeSwap = new NativeCredentialSwap(links, UpstreamProduct.JIRA);
        VerifierFixture.require(
                decider.decide(readOnlyGet) instanceof GatewayDecision.Forward f
                        && nativeSwap.apply(f) instanceof GatewayDecision.Forward swapped
                        && nativeToken.equals(swapped.upstreamBearer()),
                "the read-only GET is forwarded with the owner's native token");
        return nativeSwap;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    @Benchmark
    public NormalizedPath normaliseJiraPath() {
        return PathNormalizer.normalize(JIRA_PATH);
    }

    @Benchmark
    public NormalizedPath normaliseDirtyPath() {
        return PathNormalizer.normalize(DIRTY_PATH);
    }

    /** Verify (cache hit) + IP ranges + read-only rule + the Forward decision. */
    @Benchmark
    public GatewayDecision fullDecisionReadOnly() {
        return decider.decide(readOnlyGet);
    }

    /**
     * {@link #fullDecisionReadOnly} and then what the gateway does last in identity mode
     * {@code upstream-token}: the owner's native credential from the warm cache, decrypted once at
     * load, and the forward that carries it.
     */
    @Benchmark
    public GatewayDecision fullDecisionWithNativeSwap() {
        return decider.decide(readOnlyGet) instanceof GatewayDecision.Forward forward ? swap.apply(forward) : null;
    }

    /**
     * {@link #fullDecisionReadOnly} and then what the gateway does last for a token with a rate limit
     * that is never exceeded: count the request and render {@code RateLimit-Policy} and {@code RateLimit}.
     */
    /** The rate limit's part of {@link #fullDecisionRateLimited} alone: counting the request. */
    @Benchmark
    public Usage rateLimitConsume() {
        return limiter.consume(limit);
    }

    /**
     * {@link #fullDecisionReadOnly} and then the limit check alone: the request counted against the
     * token's limit, nothing rendered.
     */
    @Benchmark
    public void fullDecisionRateChecked(Blackhole hole) {
        hole.consume(decider.decide(readOnlyGet));
        hole.consume(limiter.consume(limit));
    }

    @Benchmark
    public void fullDecisionRateLimited(Blackhole hole) {
        GatewayDecision decision = decider.decide(readOnlyGet);
        Usage usage = limiter.consume(limit);
        hole.consume(decision);
        hole.consume(usage.policyField());
        hole.consume(usage.limitField());
    }
}
