package org.patgate.server.testing;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.testing.FakeAccounts.Caller;

/**
 * Jira Data Center in tests: personal access tokens, {@code GET /rest/api/2/myself} (401 without a user),
 * and a few ordinary endpoints: {@code GET /rest/api/2/issue/{key}} (JSON naming who read it),
 * {@code POST /rest/api/2/issue} (a write, 401 without a user) and {@code POST /rest/api/2/search}.
 * An unknown, expired or revoked Bearer token is answered 401.
 */
public final class FakeJira extends FakePatProduct {

    private final AtomicInteger issues = new AtomicInteger();

    public FakeJira(Clock clock, String contextPath) throws Exception {
        super(clock, contextPath);
    }

    @Override
    public UpstreamProduct product() {
        return UpstreamProduct.JIRA;
    }

    @Override
    protected boolean route(Exchange exchange) throws Exception {
        if (routeTokens(exchange)) {
            return true;
        }
        String path = exchange.path();
        String method = exchange.method();
        Caller caller = exchange.caller();
        if (method.equals("GET") && path.equals("/rest/api/2/myself")) {
            if (!caller.known()) {
                return json(
                        exchange,
                        401,
                        error("You are not authenticated. Authentication required to perform this operation."));
            }
            return json(
                    exchange,
                    200,
                    Map.of(
                            "self",
                            url() + "/rest/api/2/user?username=" + caller.username(),
                            "key",
                            "JIRAUSER" + Math.abs(caller.username().hashCode() % 100000),
                            "name",
                            caller.username(),
                            "emailAddress",
                            caller.username() + "@example.org",
                            "displayName",
                            accounts().displayName(caller.username()),
                            "active",
                            true,
                            "timeZone",
                            "UTC"));
        }
        if (method.equals("GET") && path.startsWith("/rest/api/2/issue/")) {
            String key = path.substring("/rest/api/2/issue/".length());
            return json(exchange, 200, readAnswer(exchange, "issue", key));
        }
        if (method.equals("POST") && path.equals("/rest/api/2/issue")) {
            if (!caller.known()) {
                return json(exchange, 401, error("You are not authenticated."));
            }
            int n = issues.incrementAndGet();
            return json(
                    exchange,
                    201,
                    Map.of("id", Integer.toString(10000 + n), "key", "TEST-" + n, "createdBy", caller.username()));
        }
        if (method.equals("POST") && path.equals("/rest/api/2/search")) {
            return json(
                    exchange,
                    200,
                    Map.of(
                            "startAt",
                            0,
                            "maxResults",
                            50,
                            "total",
                            0,
                            "issues",
                            java.util.List.of(),
                            "searchedBy",
                            caller.known() ? caller.username() : "anonymous"));
        }
        return false;
    }
}
