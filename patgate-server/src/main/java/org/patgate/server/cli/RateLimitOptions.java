package org.patgate.server.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options of a rate limit, as {@code token create} and the {@code rate-limit} commands take them. */
final class RateLimitOptions {

    @Option(names = "--rate-limit-per-second", paramLabel = "N", description = "requests per second")
    Integer perSecond;

    @Option(names = "--rate-limit-burst", paramLabel = "N", description = "requests at once under the per-second rate")
    Integer burst;

    @Option(names = "--rate-limit-per-minute", paramLabel = "N", description = "requests per minute")
    Integer perMinute;

    @Option(names = "--rate-limit-per-day", paramLabel = "N", description = "requests per day")
    Integer perDay;

    /** Whether any option was given. */
    boolean any() {
        return perSecond != null || burst != null || perMinute != null || perDay != null;
    }

    /** The limit as the API takes it; the server validates it. */
    Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("perSecond", perSecond);
        body.put("perMinute", perMinute);
        body.put("perDay", perDay);
        body.put("burst", burst);
        return body;
    }
}
