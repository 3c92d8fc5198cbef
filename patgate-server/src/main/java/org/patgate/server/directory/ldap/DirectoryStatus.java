package org.patgate.server.directory.ldap;

import java.time.Duration;
import java.time.Instant;

/**
 * The directory's health as last observed, for the admin page and health checks. Holds no secret:
 * {@code lastError} is the LDAP result code and the server's diagnostic message. Immutable.
 *
 * @param reachable  whether the last operation reached the directory
 * @param serverUrl  the server that answered last, or the configured URLs when none answered
 * @param latency    round trip of the last successful check, null before the first one
 * @param checkedAt  when this was observed, null if nothing was tried yet
 * @param lastError  the last failure, null when the last operation succeeded
 */
public record DirectoryStatus(
        boolean reachable, String serverUrl, Duration latency, Instant checkedAt, String lastError) {

    static DirectoryStatus notYetChecked(String serverUrls) {
        return new DirectoryStatus(false, serverUrls, null, null, null);
    }
}
