package org.patgate.server.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.patgate.core.PatgateException;

/**
 * The route table of the management API: every method and path template, declared in one place, and
 * the matching of a call to a route. {@code docs/openapi.yaml} describes exactly these routes (a
 * test compares them). A path matched by several templates belongs to the most specific one: at the
 * first segment where two templates differ, a literal beats a parameter ({@code /tokens/revoke}
 * before {@code /tokens/{id}}). Immutable and thread-safe.
 */
public final class ApiRoutes {

    /** The resources the routes' actions call; one set per server. */
    public record Resources(
            TokensResource tokens,
            UsersResource users,
            AuditResource audit,
            PermissionsResource permissions,
            PoliciesResource policies,
            SettingsResource settings,
            DirectoryResource directory,
            UpstreamLinkResource upstreamLinks,
            ApiDocsResource docs,
            SelfResource self,
            RateLimitsResource rateLimits,
            UsageResource usage,
            NotificationsResource notifications,
            ClusterResource cluster) {}

    /** Every route of {@code /.patgate/api/v1}. */
    public static final ApiRoutes ALL = new ApiRoutes(List.of(
            open("GET", "/openapi.yaml", (r, x, p) -> r.docs().openApi(x)),
            // Authenticated by the token it describes, not by the API's users: the resource checks it.
            open("GET", "/self", (r, x, p) -> r.self().describe(x)),
            route("GET", "/tokens", (r, x, p) -> r.tokens().list(x, p)),
            route("POST", "/tokens", (r, x, p) -> r.tokens().create(x, p)),
            route("POST", "/tokens/revoke", (r, x, p) -> r.tokens().revokeMany(x, p)),
            route("GET", "/tokens/{id}", (r, x, p) -> r.tokens().get(x, p)),
            route("DELETE", "/tokens/{id}", (r, x, p) -> r.tokens().revoke(x, p)),
            route("POST", "/tokens/{id}/rotate", (r, x, p) -> r.tokens().rotate(x, p)),
            route("POST", "/tokens/{id}/approve", (r, x, p) -> r.tokens().decide(x, p, true)),
            route("POST", "/tokens/{id}/deny", (r, x, p) -> r.tokens().decide(x, p, false)),
            route("GET", "/tokens/{id}/activity", (r, x, p) -> r.tokens().activity(x, p)),
            route("GET", "/tokens/{id}/usage", (r, x, p) -> r.tokens().usage(x, p)),
            route("GET", "/tokens/{id}/rate-limit", (r, x, p) -> r.rateLimits().ofToken(x, p)),
            route("PUT", "/tokens/{id}/rate-limit", (r, x, p) -> r.rateLimits().setToken(x, p, false)),
            route(
                    "DELETE",
                    "/tokens/{id}/rate-limit",
                    (r, x, p) -> r.rateLimits().setToken(x, p, true)),
            route("GET", "/tokens/{id}/addresses", (r, x, p) -> r.usage().addresses(x, p)),
            route("GET", "/usage/top", (r, x, p) -> r.usage().top(x, p)),
            route("GET", "/usage/series", (r, x, p) -> r.usage().series(x, p)),
            route("GET", "/approvals", (r, x, p) -> r.tokens().approvals(x, p)),
            route("GET", "/presets", (r, x, p) -> r.tokens().presets(x)),
            route("GET", "/me", (r, x, p) -> r.users().me(x, p)),
            route("POST", "/me/password", (r, x, p) -> r.users().changeOwnPassword(x, p)),
            route("GET", "/me/upstream-link", (r, x, p) -> r.upstreamLinks().mine(x, p)),
            route("PUT", "/me/upstream-link", (r, x, p) -> r.upstreamLinks().link(x, p)),
            route("DELETE", "/me/upstream-link", (r, x, p) -> r.upstreamLinks().unlinkMine(x, p)),
            route("GET", "/users", (r, x, p) -> r.users().list(x, p)),
            route("POST", "/users", (r, x, p) -> r.users().create(x, p)),
            route("GET", "/users/{username}", (r, x, p) -> r.users().get(x, p)),
            route("PATCH", "/users/{username}", (r, x, p) -> r.users().update(x, p)),
            route("DELETE", "/users/{username}", (r, x, p) -> r.users().delete(x, p)),
            route(
                    "GET",
                    "/users/{username}/rate-limit",
                    (r, x, p) -> r.rateLimits().ofUser(x, p)),
            route(
                    "PUT",
                    "/users/{username}/rate-limit",
                    (r, x, p) -> r.rateLimits().setUser(x, p, false)),
            route(
                    "DELETE",
                    "/users/{username}/rate-limit",
                    (r, x, p) -> r.rateLimits().setUser(x, p, true)),
            route(
                    "GET",
                    "/users/{username}/upstream-link",
                    (r, x, p) -> r.upstreamLinks().ofUser(x, p)),
            route(
                    "PUT",
                    "/users/{username}/upstream-link",
                    (r, x, p) -> r.upstreamLinks().bindService(x, p)),
            route(
                    "DELETE",
                    "/users/{username}/upstream-link",
                    (r, x, p) -> r.upstreamLinks().unlinkUser(x, p)),
            route("GET", "/groups", (r, x, p) -> r.users().groups(x, p)),
            route("GET", "/permissions", (r, x, p) -> r.permissions().all(x, p)),
            route("GET", "/permissions/everyone", (r, x, p) -> r.permissions().get(x, p)),
            route("PUT", "/permissions/everyone", (r, x, p) -> r.permissions().replace(x, p)),
            route(
                    "GET",
                    "/permissions/groups/{group}",
                    (r, x, p) -> r.permissions().get(x, p)),
            route(
                    "PUT",
                    "/permissions/groups/{group}",
                    (r, x, p) -> r.permissions().replace(x, p)),
            route("GET", "/policies", (r, x, p) -> r.policies().all(x, p)),
            route("GET", "/policies/everyone", (r, x, p) -> r.policies().get(x, p)),
            route("PUT", "/policies/everyone", (r, x, p) -> r.policies().put(x, p)),
            route("DELETE", "/policies/everyone", (r, x, p) -> r.policies().delete(x, p)),
            route("GET", "/policies/groups/{group}", (r, x, p) -> r.policies().get(x, p)),
            route("PUT", "/policies/groups/{group}", (r, x, p) -> r.policies().put(x, p)),
            route(
                    "DELETE",
                    "/policies/groups/{group}",
                    (r, x, p) -> r.policies().delete(x, p)),
            route(
                    "GET",
                    "/notifications/deliveries",
                    (r, x, p) -> r.notifications().deliveries(x, p)),
            route(
                    "GET",
                    "/notifications/targets",
                    (r, x, p) -> r.notifications().all(x, p)),
            route(
                    "GET",
                    "/notifications/targets/everyone",
                    (r, x, p) -> r.notifications().get(x, p)),
            route(
                    "PUT",
                    "/notifications/targets/everyone",
                    (r, x, p) -> r.notifications().put(x, p)),
            route(
                    "DELETE",
                    "/notifications/targets/everyone",
                    (r, x, p) -> r.notifications().delete(x, p)),
            route(
                    "GET",
                    "/notifications/targets/groups/{group}",
                    (r, x, p) -> r.notifications().get(x, p)),
            route(
                    "PUT",
                    "/notifications/targets/groups/{group}",
                    (r, x, p) -> r.notifications().put(x, p)),
            route(
                    "DELETE",
                    "/notifications/targets/groups/{group}",
                    (r, x, p) -> r.notifications().delete(x, p)),
            route("GET", "/settings", (r, x, p) -> r.settings().get(x, p)),
            route("PUT", "/settings", (r, x, p) -> r.settings().put(x, p)),
            route("DELETE", "/settings", (r, x, p) -> r.settings().reset(x, p)),
            route("GET", "/directory", (r, x, p) -> r.directory().status(x, p)),
            route("GET", "/cluster", (r, x, p) -> r.cluster().list(x, p)),
            route("POST", "/directory/test", (r, x, p) -> r.directory().test(x, p)),
            route("GET", "/audit", (r, x, p) -> r.audit().search(x, p)),
            route("GET", "/audit.csv", (r, x, p) -> r.audit().export(x, p))));

    /** What a call matched. */
    public sealed interface Match {
        /** A route answers the call; {@code parameters} are the raw (still percent-encoded) path parameters. */
        record Found(Route route, Map<String, String> parameters) implements Match {}

        /** The path is known but not with this method; {@code allow} is the value of the Allow header. */
        record WrongMethod(String allow) implements Match {}

        /** No route has this path. */
        record NotFound() implements Match {}
    }

    private final List<Route> routes;

    /** A table of routes; two routes with the same method and template shape are a programming error. */
    public ApiRoutes(List<Route> routes) {
        this.routes = List.copyOf(routes);
        Set<String> seen = new HashSet<>();
        for (Route route : this.routes) {
            if (!seen.add(route.method() + " " + route.shape())) {
                throw new PatgateException("two API routes for " + route.method() + " " + route.shape());
            }
        }
    }

    static Route route(String method, String template, Route.Action action) {
        return new Route(method, template, true, action);
    }

    static Route open(String method, String template, Route.Action action) {
        return new Route(method, template, false, action);
    }

    /** The routes in declaration order. */
    public List<Route> routes() {
        return routes;
    }

    /** A new table with these routes added (how later capabilities join the API). */
    public ApiRoutes with(List<Route> more) {
        List<Route> all = new ArrayList<>(routes);
        all.addAll(more);
        return new ApiRoutes(all);
    }

    /** The route for {@code method} and the path segments after the API prefix. */
    public Match match(String method, List<String> segments) {
        Map<String, List<Route>> byShape = new LinkedHashMap<>();
        String best = null;
        for (Route route : routes) {
            if (matches(route.segments(), segments)) {
                byShape.computeIfAbsent(route.shape(), k -> new ArrayList<>()).add(route);
                if (best == null || moreSpecific(route.shape(), best)) {
                    best = route.shape();
                }
            }
        }
        if (best == null) {
            return new Match.NotFound();
        }
        Set<String> methods = new HashSet<>();
        for (Route route : byShape.get(best)) {
            if (route.method().equals(method)) {
                return new Match.Found(route, parameters(route, segments));
            }
            methods.add(route.method());
        }
        return new Match.WrongMethod(Route.allowHeader(methods));
    }

    private static boolean matches(List<String> template, List<String> segments) {
        if (template.size() != segments.size()) {
            return false;
        }
        for (int i = 0; i < template.size(); i++) {
            String expected = template.get(i);
            String actual = segments.get(i);
            if (Route.isParameter(expected) ? actual.isEmpty() : !expected.equals(actual)) {
                return false;
            }
        }
        return true;
    }

    /** Whether shape {@code a} has a literal where {@code b} first has a parameter. */
    private static boolean moreSpecific(String a, String b) {
        String[] left = a.split("/");
        String[] right = b.split("/");
        for (int i = 0; i < left.length; i++) {
            if (!left[i].equals(right[i])) {
                return right[i].equals("{}");
            }
        }
        return false;
    }

    private static Map<String, String> parameters(Route route, List<String> segments) {
        Map<String, String> parameters = new HashMap<>();
        List<String> template = route.segments();
        for (int i = 0; i < template.size(); i++) {
            if (Route.isParameter(template.get(i))) {
                String name = template.get(i);
                parameters.put(name.substring(1, name.length() - 1), segments.get(i));
            }
        }
        return Map.copyOf(parameters);
    }
}
