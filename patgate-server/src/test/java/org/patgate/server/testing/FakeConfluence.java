package org.patgate.server.testing;

import java.time.Clock;
import java.util.Map;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.testing.FakeAccounts.Caller;

/**
 * Confluence Data Center in tests: personal access tokens, {@code GET /rest/api/user/current} and {@code GET
 * /rest/api/content/{id}}. As the real product does, a wrong Bearer token is not refused: the request
 * goes on as the anonymous user ({@code "type":"anonymous"}, {@code X-AUSERNAME: anonymous}).
 */
public final class FakeConfluence extends FakePatProduct {

    public FakeConfluence(Clock clock, String contextPath) throws Exception {
        super(clock, contextPath);
    }

    @Override
    public UpstreamProduct product() {
        return UpstreamProduct.CONFLUENCE;
    }

    @Override
    protected boolean unknownBearerIsAnonymous() {
        return true;
    }

    @Override
    protected boolean route(Exchange exchange) throws Exception {
        if (routeTokens(exchange)) {
            return true;
        }
        String path = exchange.path();
        Caller caller = exchange.caller();
        if (exchange.method().equals("GET") && path.equals("/rest/api/user/current")) {
            if (!caller.known()) {
                return json(
                        exchange,
                        200,
                        Map.of(
                                "type", "anonymous",
                                "profilePicture",
                                        Map.of("path", "/images/icons/profilepics/anonymous.svg", "isDefault", true),
                                "displayName", "Anonymous"));
            }
            return json(
                    exchange,
                    200,
                    Map.of(
                            "type",
                            "known",
                            "username",
                            caller.username(),
                            "userKey",
                            "8a7f808a" + Integer.toHexString(caller.username().hashCode()),
                            "displayName",
                            accounts().displayName(caller.username())));
        }
        if (exchange.method().equals("GET") && path.startsWith("/rest/api/content/")) {
            return json(exchange, 200, readAnswer(exchange, "page", path.substring("/rest/api/content/".length())));
        }
        return false;
    }
}
