package org.patgate.bench;

import java.net.InetAddress;
import java.util.List;
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
import org.patgate.core.decision.ReadOnlyPolicy;
import org.patgate.core.path.NormalizedPath;
import org.patgate.core.path.PathNormalizer;
import org.patgate.core.path.PathPatternSet;
import org.patgate.server.gateway.AccessDecider;
import org.patgate.server.gateway.Credentials;
import org.patgate.server.gateway.GatewayDecision;

/**
 * The per-request work around the token check: normalising a Jira REST path (clean and dirty),
 * and the whole {@link AccessDecider} decision for a cached read-only token doing a GET, with the
 * gateway's default rules (REST paths {@code /rest/**}, passwords blocked, anonymous refused).
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
        VerifierFixture.require(
                PathNormalizer.normalize(JIRA_PATH) instanceof NormalizedPath.Ok, "the Jira path normalises");
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
}
