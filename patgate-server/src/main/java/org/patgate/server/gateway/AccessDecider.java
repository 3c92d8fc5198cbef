package org.patgate.server.gateway;

import java.net.InetAddress;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.patgate.core.decision.Decision;
import org.patgate.core.decision.ReadOnlyPolicy;
import org.patgate.core.net.IpRangeSet;
import org.patgate.core.path.PathPatternSet;
import org.patgate.core.token.Scope;
import org.patgate.server.settings.RestRules;
import org.patgate.server.token.TokenVerifier;
import org.patgate.server.token.TokenVerifier.Verification;

/**
 * The gateway's rules, applied to one request whose path is already normalised:
 * <ol>
 *   <li>a token is verified wherever it is presented (REST path or not); a valid one is refused on
 *       the product's own token API ({@link NativeTokenAdmin}), then its IP ranges and scope are
 *       enforced, and a read-only token never pushes to git ({@link GitSmartHttp});</li>
 *   <li>on REST paths, passwords (Basic, other schemes, Jira's {@code os_password}) are refused
 *       while {@code rest.passwordAuth} is {@code block};</li>
 *   <li>on REST paths, while passwords are blocked, password logins are refused whatever else the
 *       request carries: Jira's {@code /rest/auth/1/session} login (any version, under any context path)
 *       and form bodies with {@code os_username}/{@code os_password} ({@link #refuseFormPassword});</li>
 *   <li>on REST paths, requests with no credentials at all are refused unless they carry one of the
 *       configured session cookies (the upstream's own browser session) or anonymous access is allowed.</li>
 * </ol>
 * Password credentials seen outside the REST paths are forwarded and counted ({@link PasswordsOutsideRestPaths}).
 * Everything else is forwarded without an identity. The {@code rest.*} rules come from a
 * {@link RestRules} supplier read once per request, so runtime settings apply to the next request
 * without a restart. Thread-safe.
 */
public final class AccessDecider {

    static final String USE_A_TOKEN = "use a personal access token: 'Authorization: Bearer <token>'";

    private final TokenVerifier verifier;
    private final Supplier<RestRules> rules;
    private final PasswordsOutsideRestPaths passwordsOutside;
    private final NativeTokenAdmin nativeTokenAdmin;

    /**
     * @param rules the rules in force; asked once per request, so it must answer at once without
     *              locking or allocating (e.g. return a volatile field). Runtime settings swap what it
     *              returns; each request is decided by one consistent set of rules.
     */
    public AccessDecider(TokenVerifier verifier, Supplier<RestRules> rules) {
        this(verifier, rules, new PasswordsOutsideRestPaths());
    }

    /** As above, counting passwords seen outside the REST paths in {@code passwordsOutside}. */
    public AccessDecider(
            TokenVerifier verifier, Supplier<RestRules> rules, PasswordsOutsideRestPaths passwordsOutside) {
        this(verifier, rules, passwordsOutside, NativeTokenAdmin.NONE);
    }

    /** As above, refusing tokens on the upstream product's own token API. */
    public AccessDecider(
            TokenVerifier verifier,
            Supplier<RestRules> rules,
            PasswordsOutsideRestPaths passwordsOutside,
            NativeTokenAdmin nativeTokenAdmin) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.passwordsOutside = Objects.requireNonNull(passwordsOutside, "passwordsOutside");
        this.nativeTokenAdmin = Objects.requireNonNull(nativeTokenAdmin, "nativeTokenAdmin");
    }

    /**
     * Fixed rules, for embedding and benchmarks.
     *
     * @param restAllowedIps where REST requests may come from at all (tokens, passwords, anything);
     *                       empty = anywhere
     */
    public AccessDecider(
            TokenVerifier verifier,
            PathPatternSet restPaths,
            ReadOnlyPolicy readOnly,
            boolean blockPasswords,
            boolean allowAnonymous,
            Predicate<String> passwordExempt,
            IpRangeSet restAllowedIps) {
        this(
                verifier,
                fixed(new RestRules(
                        restPaths, readOnly, blockPasswords, allowAnonymous, passwordExempt, restAllowedIps)));
    }

    private static Supplier<RestRules> fixed(RestRules rules) {
        return () -> rules;
    }

    /**
     * The facts of one request that the rules look at.
     *
     * @param method      exactly as received; the gateway refuses any method that is not forwarded as
     *                    spelled ({@link org.patgate.core.decision.ForwardedMethods}) before asking
     * @param contentType the {@code Content-Type} value when exactly one was sent, otherwise null
     * @param rawQuery    the query as received, or null
     */
    public record RequestFacts(
            String method,
            String normalizedPath,
            InetAddress client,
            Credentials credentials,
            boolean methodOverride,
            String contentType,
            String rawQuery) {

        /** Facts of a request without a query. */
        public RequestFacts(
                String method,
                String normalizedPath,
                InetAddress client,
                Credentials credentials,
                boolean methodOverride,
                String contentType) {
            this(method, normalizedPath, client, credentials, methodOverride, contentType, null);
        }

        /** Facts of a request without a (single) {@code Content-Type}. */
        public RequestFacts(
                String method,
                String normalizedPath,
                InetAddress client,
                Credentials credentials,
                boolean methodOverride) {
            this(method, normalizedPath, client, credentials, methodOverride, null, null);
        }
    }

    /** How a decision is made: whether it may read the store, and whether it counts what it saw. */
    public enum Pass {
        /** A request arriving now; may read the store. */
        NOW(true, true),
        /**
         * Only from memory: the decision is null when it needs the store (a token not seen lately). For
         * callers that must not block (an event loop), which then decide {@link #NOW} on a worker thread.
         */
        FROM_MEMORY(false, true),
        /**
         * A request decided before whose effect lasts (an open WebSocket): the same answer, but nothing is
         * counted again (passwords seen outside the REST paths); may read the store.
         */
        AGAIN(true, false);

        private final boolean mayBlock;
        private final boolean counts;

        Pass(boolean mayBlock, boolean counts) {
            this.mayBlock = mayBlock;
            this.counts = counts;
        }

        /** Whether the decision may read the store. */
        public boolean mayBlock() {
            return mayBlock;
        }
    }

    public GatewayDecision decide(RequestFacts request) {
        return decide(request, Pass.NOW);
    }

    /** The decision made as {@code pass} says; null only for {@link Pass#FROM_MEMORY} when the store is needed. */
    public GatewayDecision decide(RequestFacts request, Pass pass) {
        RestRules rules = this.rules.get();
        Credentials credentials = request.credentials();
        IpRangeSet restAllowedIps = rules.restAllowedIps();
        if (!restAllowedIps.isEmpty()
                && !restAllowedIps.allows(request.client())
                && rules.restPaths().matches(request.normalizedPath())) {
            return GatewayDecision.Refuse.forbidden("the REST API may not be used from your address", null)
                    .because("address-not-allowed");
        }
        if (credentials instanceof Credentials.Malformed malformed) {
            return malformed.status() == 401
                    ? GatewayDecision.Refuse.unauthorized(malformed.reason()).because("credentials-malformed")
                    : GatewayDecision.Refuse.badRequest(malformed.reason()).because("credentials-malformed");
        }
        boolean restPath = rules.restPaths().matches(request.normalizedPath());
        if (restPath
                && rules.blockPasswords()
                && PasswordLogins.isLogin(request.method(), request.normalizedPath(), request.methodOverride())) {
            // A session made with a password here would be a back door around the block.
            return GatewayDecision.Refuse.unauthorized(
                            "logging in with a password is disabled for the REST API; " + USE_A_TOKEN)
                    .because("password-blocked");
        }
        if (credentials instanceof Credentials.Token token) {
            return decideToken(request, token, rules.readOnly(), pass.mayBlock);
        }
        if (!restPath) {
            if (pass.counts && credentials instanceof Credentials.Password) {
                passwordsOutside.seen(request.normalizedPath());
            }
            return GatewayDecision.Forward.ANONYMOUS;
        }
        boolean blockPasswords = rules.blockPasswords();
        return switch (credentials) {
            case Credentials.Password p ->
                blockPasswords && !rules.passwordExempt().test(p.username())
                        ? GatewayDecision.Refuse.unauthorized(
                                        "password authentication is disabled for the REST API; " + USE_A_TOKEN)
                                .because("password-blocked")
                        : GatewayDecision.Forward.ANONYMOUS;
            case Credentials.OtherScheme o ->
                blockPasswords
                        ? GatewayDecision.Refuse.unauthorized(
                                        "the REST API accepts personal access tokens only; " + USE_A_TOKEN)
                                .because("other-scheme-blocked")
                        : GatewayDecision.Forward.ANONYMOUS;
            case Credentials.None none ->
                rules.allowAnonymous() || SessionCookies.present(none.cookieHeaders(), rules.sessionCookies())
                        ? GatewayDecision.Forward.ANONYMOUS
                        : GatewayDecision.Refuse.unauthorized("authentication required; " + USE_A_TOKEN)
                                .because("no-credentials");
            default ->
                GatewayDecision.Refuse.unauthorized("authentication required; " + USE_A_TOKEN)
                        .because("no-credentials");
        };
    }

    /**
     * Whether a form body on this path must be looked at for password fields: a REST path while
     * passwords are blocked.
     */
    public boolean inspectsFormBodies(String normalizedPath) {
        RestRules rules = this.rules.get();
        return rules.blockPasswords() && rules.restPaths().matches(normalizedPath);
    }

    /**
     * The refusal for a form body carrying {@code os_username}/{@code os_password}/{@code os_authType}
     * on a REST path while passwords are blocked, or null when the named user is exempt.
     */
    public GatewayDecision.Refuse refuseFormPassword(String username) {
        RestRules rules = this.rules.get();
        if (!rules.blockPasswords() || rules.passwordExempt().test(username)) {
            return null;
        }
        return GatewayDecision.Refuse.unauthorized("password authentication is disabled for the REST API "
                        + "(os_username/os_password in a form body); " + USE_A_TOKEN)
                .because("password-blocked");
    }

    private GatewayDecision decideToken(
            RequestFacts request, Credentials.Token presented, ReadOnlyPolicy readOnly, boolean mayBlock) {
        Verification verification =
                mayBlock ? verifier.verify(presented.value()) : verifier.verifyFromMemory(presented.value());
        if (verification == null) {
            return null;
        }
        if (verification instanceof Verification.Refused refused) {
            if (refused.reason() == TokenVerifier.Reason.UNAVAILABLE) {
                return new GatewayDecision.Refuse(
                        503,
                        "unavailable",
                        "Service Unavailable",
                        refused.reason().detail(),
                        false,
                        null);
            }
            return GatewayDecision.Refuse.unauthorized(refused.reason().detail())
                    .because("token-"
                            + refused.reason()
                                    .name()
                                    .toLowerCase(java.util.Locale.ROOT)
                                    .replace('_', '-'));
        }
        TokenVerifier.VerifiedToken token = ((Verification.Valid) verification).token();
        if (nativeTokenAdmin.covers(request.normalizedPath())) {
            return nativeTokenAdmin.refusal(token.id());
        }
        if (!token.allowedIps().allows(request.client())) {
            return GatewayDecision.Refuse.forbidden("this token may not be used from your address", token.id())
                    .because("ip-not-allowed");
        }
        if (token.scope() == Scope.READ_ONLY) {
            if (GitSmartHttp.isPush(request.normalizedPath(), request.rawQuery())) {
                return GatewayDecision.Refuse.forbidden(GitSmartHttp.READ_ONLY_PUSH, token.id())
                        .because("read-only");
            }
            Decision decision = readOnly.decide(
                    request.method(), request.normalizedPath(), request.methodOverride(), request.contentType());
            if (decision instanceof Decision.Deny deny) {
                return GatewayDecision.Refuse.forbidden(deny.reason(), token.id())
                        .because("read-only");
            }
        }
        if (!token.rules().isEmpty()) {
            if (request.methodOverride()) {
                // The rules name methods; an override header would let the upstream act on another one.
                return GatewayDecision.Refuse.forbidden("this token's rules do not allow method overrides", token.id())
                        .because("token-rules");
            }
            if (token.rules().decide(request.method(), request.normalizedPath()) instanceof Decision.Deny deny) {
                return GatewayDecision.Refuse.forbidden(deny.reason(), token.id())
                        .because("token-rules");
            }
            String receivePack = GitSmartHttp.announcedReceivePack(request.normalizedPath(), request.rawQuery());
            if (receivePack != null && token.rules().decide("POST", receivePack) instanceof Decision.Deny) {
                // Refused at the announcement, where git shows the reason; the push itself would fail silently.
                return GatewayDecision.Refuse.forbidden(GitSmartHttp.RULES_FORBID_PUSH, token.id())
                        .because("token-rules");
            }
        }
        return new GatewayDecision.Forward(token.ownerUsername(), token.id(), true, token, null);
    }
}
