package org.patgate.server.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.eclipse.jetty.http.HttpHeader;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.directory.Directories;
import org.patgate.server.directory.PasswordChecksBusyException;
import org.patgate.server.directory.ldap.DirectoryUnavailableException;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.error.TooManyRequestsException;
import org.patgate.server.error.UnauthorizedException;
import org.patgate.server.http.Exchange;
import org.patgate.server.principal.Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates management API calls with HTTP Basic and directory credentials (RFC 7617, UTF-8),
 * or with a web UI session plus its CSRF token in {@code X-CSRF-Token}. Password logins (here and
 * the UI's sign-in, through {@link #login}) are audited and throttled per source IP and per
 * username; the answer never says whether the username or the password was wrong. When the LDAP
 * directory cannot be asked, {@link DirectoryUnavailableException} passes through (the API answers
 * 503) and is not counted as a failure; local users still log in. Thread-safe.
 */
public final class ApiAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(ApiAuthenticator.class);

    private final Directories directory;
    private final LoginThrottle throttle;
    private final LoginThrottle userThrottle;
    private final AuditLog audit;
    private final UiSessions sessions;
    private final List<BiConsumer<Principal, char[]>> signInListeners = new CopyOnWriteArrayList<>();

    /** Basic authentication only, throttled per IP by {@code throttle} and per username (20 failures per window). */
    public ApiAuthenticator(Directories directory, LoginThrottle throttle, AuditLog audit) {
        this(directory, throttle, new LoginThrottle(20, throttle.window()), audit, null);
    }

    /**
     * @param userThrottle failures counted per username; give it a higher limit than the IP one, so a
     *     guesser elsewhere can only slow the real user down for one window, never lock them out for good
     * @param sessions the web UI's sessions, accepted with their CSRF header; null for none
     */
    public ApiAuthenticator(
            Directories directory,
            LoginThrottle throttle,
            LoginThrottle userThrottle,
            AuditLog audit,
            UiSessions sessions) {
        this.directory = directory;
        this.throttle = throttle;
        this.userThrottle = userThrottle;
        this.audit = audit;
        this.sessions = sessions;
    }

    /**
     * Adds a listener told of every password sign-in that succeeds (also the quick re-checks of a
     * script's parallel calls: the listener must be cheap when it has nothing to do), with the
     * password, which it must neither keep nor change: a link to the upstream made with that
     * password is renewed then. A listener failure is logged, never fails the sign-in.
     */
    public void onPasswordSignIn(BiConsumer<Principal, char[]> listener) {
        signInListeners.add(listener);
    }

    public Principal authenticate(Exchange exchange) {
        List<String> headers = exchange.request().getHeaders().getValuesList(HttpHeader.AUTHORIZATION);
        if (headers.isEmpty()) {
            Optional<Principal> session =
                    sessions == null ? Optional.empty() : sessions.authenticateApiCall(exchange.request());
            return session.orElseThrow(() -> new UnauthorizedException(
                    "authentication required: use HTTP Basic with your username and password"));
        }
        if (headers.size() > 1) {
            throw new InvalidRequestException("more than one Authorization header");
        }
        String header = headers.getFirst();
        if (header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new UnauthorizedException("the management API accepts HTTP Basic authentication only");
        }
        String sourceIp = exchange.sourceIp();
        requireAllowed(sourceIp);
        char[] credentials = decode(header.substring(6).strip());
        try {
            int colon = indexOf(credentials, ':');
            if (colon < 0) {
                startAttempt(sourceIp, "").failed();
                audit.failure("", "auth.login", "api", sourceIp, "malformed Basic credentials");
                throw new UnauthorizedException("wrong username or password");
            }
            String username = new String(credentials, 0, colon);
            char[] password = Arrays.copyOfRange(credentials, colon + 1, credentials.length);
            try {
                return login(username, password, sourceIp, "api");
            } finally {
                Arrays.fill(password, '\0');
            }
        } finally {
            Arrays.fill(credentials, '\0');
        }
    }

    /**
     * Checks a username and password for any channel ({@code "api"}, {@code "ui"}): throttled per
     * source IP and per username, counted when the check starts, failures audited under the
     * channel's name. The password check itself runs under the hasher's cap.
     *
     * @throws TooManyRequestsException when the IP or the username has failed too often lately
     * @throws PasswordChecksBusyException when too many password checks run already (not counted)
     * @throws UnauthorizedException when the credentials are wrong or the user is disabled
     */
    public Principal login(String username, char[] password, String sourceIp, String channel) {
        // A script's parallel calls with credentials verified a moment ago: no check, not an attempt.
        Optional<Principal> recent = directory.verifiedRecently(username, password);
        if (recent.isPresent()) {
            signedIn(recent.get(), password);
            return recent.get();
        }
        PasswordAttempt attempt = startAttempt(sourceIp, username);
        boolean failed = false;
        try {
            Optional<Principal> principal = directory.authenticate(username, password);
            if (principal.isPresent()) {
                signedIn(principal.get(), password);
                return principal.get();
            }
            failed = true;
            attempt.failed();
            audit.failure(bounded(username), "auth.login", channel, sourceIp, "wrong username or password");
            throw new UnauthorizedException("wrong username or password");
        } catch (DirectoryUnavailableException e) {
            // Not the caller's fault, so not throttled; the log and GET /directory have the details.
            audit.failure(bounded(username), "auth.login", channel, sourceIp, "directory unavailable");
            throw e;
        } finally {
            if (!failed) {
                attempt.notFailed();
            }
        }
    }

    private void signedIn(Principal principal, char[] password) {
        for (BiConsumer<Principal, char[]> listener : signInListeners) {
            try {
                listener.accept(principal, password);
            } catch (RuntimeException e) {
                LOG.warn("a sign-in listener failed for {}", principal.username(), e);
            }
        }
    }

    /**
     * Counts a password attempt from {@code sourceIp} for {@code username} as it starts (a login, or
     * re-checking a signed-in user's own password to change it). The caller gives it back with
     * {@link PasswordAttempt#notFailed} unless the password turned out wrong, so parallel attempts
     * are counted before any of them ends.
     *
     * @throws TooManyRequestsException when the IP or the username has used up its attempts
     * @throws PasswordChecksBusyException when its running attempts would reach that limit (503, not counted)
     */
    public PasswordAttempt startAttempt(String sourceIp, String username) {
        refuseUnlessStarted(throttle.tryStart(sourceIp), "from your address", throttle);
        String userKey = username == null || username.isEmpty() ? null : userKey(username);
        if (userKey != null) {
            LoginThrottle.Start start = userThrottle.tryStart(userKey);
            if (start != LoginThrottle.Start.STARTED) {
                throttle.finish(sourceIp, false);
                refuseUnlessStarted(start, "for this user", userThrottle);
            }
        }
        return new PasswordAttempt(sourceIp, userKey);
    }

    private static void refuseUnlessStarted(LoginThrottle.Start start, String whose, LoginThrottle throttle) {
        switch (start) {
            case STARTED -> {}
            case THROTTLED ->
                throw new TooManyRequestsException(
                        "too many failed logins " + whose + "; try again later", throttle.window());
            // Not a failure yet: enough attempts are still being checked to reach the limit.
            case BUSY ->
                throw new PasswordChecksBusyException(
                        "too many logins " + whose + " are being checked at once; try again in a second",
                        Duration.ofSeconds(1));
        }
    }

    /** A password attempt counted at its start; see {@link #startAttempt}. Ends once. */
    public final class PasswordAttempt {
        private final String sourceIp;
        private final String userKey;
        private boolean open = true;

        private PasswordAttempt(String sourceIp, String userKey) {
            this.sourceIp = sourceIp;
            this.userKey = userKey;
        }

        /** The password was wrong: the attempt counts as a failure for the rest of the window. */
        public void failed() {
            end(true);
        }

        /** The password was right, or was not checked at all: the attempt does not count. */
        public void notFailed() {
            end(false);
        }

        private synchronized void end(boolean failed) {
            if (open) {
                open = false;
                throttle.finish(sourceIp, failed);
                if (userKey != null) {
                    userThrottle.finish(userKey, failed);
                }
            }
        }
    }

    /**
     * After the caller changed their own password: when they called with their UI session (no
     * Authorization header), that session stays signed in; every other session of theirs ends.
     */
    public void keepCallerSession(org.eclipse.jetty.server.Request request, Principal principal) {
        if (sessions != null && request.getHeaders().get(HttpHeader.AUTHORIZATION) == null) {
            sessions.keepAfterPasswordChange(request, principal);
        }
    }

    private void requireAllowed(String sourceIp) {
        if (!throttle.allows(sourceIp)) {
            throw new TooManyRequestsException(
                    "too many failed logins from your address; try again later", throttle.window());
        }
    }

    private static String userKey(String username) {
        return bounded(username).toLowerCase(Locale.ROOT);
    }

    private static char[] decode(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new UnauthorizedException("malformed Basic credentials");
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            char[] result = new char[chars.remaining()];
            chars.get(result);
            return result;
        } catch (CharacterCodingException e) {
            throw new UnauthorizedException("malformed Basic credentials: not UTF-8");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static int indexOf(char[] chars, char wanted) {
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static String bounded(String username) {
        String printable = username.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 64 ? printable.substring(0, 64) : printable;
    }
}
