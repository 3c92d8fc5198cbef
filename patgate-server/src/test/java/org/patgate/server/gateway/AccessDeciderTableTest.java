package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.patgate.core.decision.ReadOnlyPolicy;
import org.patgate.core.net.IpRangeSet;
import org.patgate.core.path.PathPatternSet;
import org.patgate.core.token.Scope;
import org.patgate.core.token.TokenDigester;
import org.patgate.core.token.TokenFormat;
import org.patgate.server.gateway.AccessDecider.RequestFacts;
import org.patgate.server.settings.RestRules;
import org.patgate.server.store.Database;
import org.patgate.server.store.NewToken;
import org.patgate.server.store.NewUser;
import org.patgate.server.store.TokenStatus;
import org.patgate.server.store.UserRecord;
import org.patgate.server.testing.MutableClock;
import org.patgate.server.token.TokenVerifier;

/**
 * The gateway's decision as a table, one row per rule: rules in force, method, normalised path,
 * client address and credentials in; forward (as whom) or refuse (with which status) out. The
 * tokens live in an in-memory H2 store, verified as in production; no socket, no server.
 */
class AccessDeciderTableTest {

    private static final TokenFormat FORMAT = TokenFormat.withDefaultPrefix();
    private static final Map<String, String> TOKENS = new HashMap<>();
    private static Database database;
    private static Map<String, AccessDecider> deciders;

    @BeforeAll
    static void store() {
        database = Database.open("jdbc:h2:mem:access-decider-table;DB_CLOSE_DELAY=-1", "", "", 2);
        UserRecord alice = database.users()
                .create(new NewUser("alice", "Alice", "alice@example.org", null, NewUser.SOURCE_LOCAL, true));
        TokenDigester digester = new TokenDigester(new byte[32]);
        MutableClock clock = MutableClock.startingNow();
        token(digester, alice, clock, "rw", Scope.READ_WRITE, List.of(), TokenStatus.ACTIVE);
        token(digester, alice, clock, "ro", Scope.READ_ONLY, List.of(), TokenStatus.ACTIVE);
        token(digester, alice, clock, "bound", Scope.READ_WRITE, List.of("192.0.2.0/24"), TokenStatus.ACTIVE);
        token(digester, alice, clock, "revoked", Scope.READ_WRITE, List.of(), TokenStatus.REVOKED);
        TOKENS.put("unknown", FORMAT.generate(new SecureRandom()));
        TokenVerifier verifier = new TokenVerifier(
                FORMAT,
                digester,
                database.tokens(),
                database.users(),
                UserRecord::enabled,
                clock,
                Duration.ofMinutes(1),
                Duration.ofMinutes(1),
                100);

        PathPatternSet rest = PathPatternSet.of(List.of("/rest/**"));
        ReadOnlyPolicy readOnly = new ReadOnlyPolicy(PathPatternSet.of(ReadOnlyPolicy.DEFAULT_READ_ONLY_POSTS));
        deciders = Map.of(
                "default",
                        new AccessDecider(
                                verifier,
                                () -> new RestRules(
                                        rest,
                                        readOnly,
                                        true,
                                        false,
                                        "legacy"::equals,
                                        IpRangeSet.empty(),
                                        Set.of("JSESSIONID"))),
                "passwords-allowed",
                        new AccessDecider(
                                verifier,
                                () -> new RestRules(rest, readOnly, false, false, name -> false, IpRangeSet.empty())),
                "anonymous-allowed",
                        new AccessDecider(
                                verifier,
                                () -> new RestRules(rest, readOnly, true, true, name -> false, IpRangeSet.empty())),
                "rest-from-10/8",
                        new AccessDecider(
                                verifier,
                                () -> new RestRules(
                                        rest,
                                        readOnly,
                                        true,
                                        false,
                                        name -> false,
                                        IpRangeSet.of(List.of("10.0.0.0/8")))));
    }

    @AfterAll
    static void close() {
        database.close();
    }

    private static void token(
            TokenDigester digester,
            UserRecord owner,
            MutableClock clock,
            String name,
            Scope scope,
            List<String> allowedIps,
            TokenStatus status) {
        String secret = FORMAT.generate(new SecureRandom());
        database.tokens()
                .insert(new NewToken(
                        name + "-id",
                        digester.digest(secret).hex(),
                        TokenFormat.hintOf(secret),
                        name,
                        owner.id(),
                        owner.id(),
                        scope,
                        allowedIps,
                        null,
                        clock.instant(),
                        status));
        TOKENS.put(name, secret);
    }

    @ParameterizedTest(name = "{0}: {1} {2} from {3} with {4} -> {5}")
    @CsvSource(delimiterString = "|", textBlock = """
            # rules           | method | path                      | client       | credentials        | expected
            default           | GET    | /rest/api/2/myself        | 192.0.2.10   | none               | refuse 401
            default           | GET    | /secure/Dashboard.jspa    | 192.0.2.10   | none               | forward anonymous
            default           | GET    | /rest/api/2/myself        | 192.0.2.10   | cookie JSESSIONID  | forward anonymous
            default           | GET    | /rest/api/2/myself        | 192.0.2.10   | cookie OTHER       | refuse 401
            anonymous-allowed | GET    | /rest/api/2/myself        | 192.0.2.10   | none               | forward anonymous
            default           | GET    | /rest/api/2/myself        | 192.0.2.10   | password bob       | refuse 401
            default           | GET    | /rest/api/2/myself        | 192.0.2.10   | password legacy    | forward anonymous
            default           | GET    | /secure/Dashboard.jspa    | 192.0.2.10   | password bob       | forward anonymous
            passwords-allowed | GET    | /rest/api/2/myself        | 192.0.2.10   | password bob       | forward anonymous
            default           | GET    | /rest/api/2/myself        | 192.0.2.10   | other Digest       | refuse 401
            passwords-allowed | GET    | /rest/api/2/myself        | 192.0.2.10   | other Digest       | forward anonymous
            default           | GET    | /rest/api/2/myself        | 192.0.2.10   | malformed 400      | refuse 400
            default           | GET    | /rest/api/2/myself        | 192.0.2.10   | malformed 401      | refuse 401
            default           | GET    | /rest/api/2/myself        | 192.0.2.10   | token rw           | forward alice
            default           | DELETE | /rest/api/2/issue/DEMO-1  | 192.0.2.10   | token rw           | forward alice
            default           | GET    | /secure/Dashboard.jspa    | 192.0.2.10   | token rw           | forward alice
            default           | GET    | /rest/api/2/myself        | 192.0.2.10   | token unknown      | refuse 401
            default           | GET    | /rest/api/2/myself        | 192.0.2.10   | token revoked      | refuse 401
            default           | GET    | /rest/api/2/issue/DEMO-1  | 192.0.2.10   | token ro           | forward alice
            default           | DELETE | /rest/api/2/issue/DEMO-1  | 192.0.2.10   | token ro           | refuse 403
            default           | POST   | /rest/api/2/issue         | 192.0.2.10   | token ro           | refuse 403
            default           | POST   | /rest/api/2/search        | 192.0.2.10   | token ro json      | forward alice
            default           | GET    | /rest/api/2/issue/DEMO-1  | 192.0.2.10   | token ro override  | refuse 403
            default           | GET    | /rest/api/2/myself        | 192.0.2.10   | token bound        | forward alice
            default           | GET    | /rest/api/2/myself        | 198.51.100.7 | token bound        | refuse 403
            default           | POST   | /rest/auth/1/session      | 192.0.2.10   | none               | refuse 401
            default           | POST   | /rest/auth/1/session      | 192.0.2.10   | token rw           | refuse 401
            passwords-allowed | POST   | /rest/auth/1/session      | 192.0.2.10   | none               | refuse 401
            rest-from-10/8    | GET    | /rest/api/2/myself        | 192.0.2.10   | token rw           | refuse 403
            rest-from-10/8    | GET    | /rest/api/2/myself        | 10.1.2.3     | token rw           | forward alice
            rest-from-10/8    | GET    | /secure/Dashboard.jspa    | 192.0.2.10   | none               | forward anonymous
            """)
    void decides(String rules, String method, String path, String client, String credentials, String expected)
            throws Exception {
        String[] spec = credentials.split(" ");
        Credentials presented = switch (spec[0]) {
            case "none" -> new Credentials.None(List.of());
            case "cookie" -> new Credentials.None(List.of(spec[1] + "=abc123"));
            case "password" -> new Credentials.Password(spec[1]);
            case "other" -> new Credentials.OtherScheme(spec[1]);
            case "malformed" -> new Credentials.Malformed(Integer.parseInt(spec[1]), "malformed");
            case "token" -> new Credentials.Token(TOKENS.get(spec[1]), false);
            default -> throw new IllegalArgumentException(credentials);
        };
        boolean override = credentials.endsWith(" override");
        String contentType = credentials.endsWith(" json") ? "application/json" : null;
        RequestFacts facts =
                new RequestFacts(method, path, InetAddress.getByName(client), presented, override, contentType);

        GatewayDecision decision = deciders.get(rules).decide(facts);

        assertThat(describe(decision)).as(decision.toString()).isEqualTo(expected);
    }

    private static String describe(GatewayDecision decision) {
        return switch (decision) {
            case GatewayDecision.Forward forward ->
                "forward " + (forward.identity() == null ? "anonymous" : forward.identity());
            case GatewayDecision.Refuse refuse -> "refuse " + refuse.status();
        };
    }
}
