package org.patgate.server.gateway;

import org.eclipse.jetty.http.HttpException;

/**
 * A request body that fell behind {@code limits.minRequestBodyRate}: the client, not the upstream,
 * is at fault, so it is answered {@code 408} (as an {@link HttpException}, Jetty's error handling
 * and the {@link UpstreamProxy} use that status).
 */
public final class SlowRequestBodyException extends HttpException.RuntimeException {

    public SlowRequestBodyException(long minBytesPerSecond, long graceMillis) {
        super(
                408,
                "the request body arrived slower than limits.minRequestBodyRate (" + minBytesPerSecond
                        + " bytes/s after limits.requestBodyGrace of " + graceMillis + " ms)");
    }

    /** This failure among {@code failure}'s causes and suppressed exceptions, or null. */
    static SlowRequestBodyException find(Throwable failure) {
        for (int depth = 0; failure != null && depth < 10; failure = failure.getCause(), depth++) {
            if (failure instanceof SlowRequestBodyException slow) {
                return slow;
            }
            for (Throwable suppressed : failure.getSuppressed()) {
                if (suppressed instanceof SlowRequestBodyException slow) {
                    return slow;
                }
            }
        }
        return null;
    }
}
