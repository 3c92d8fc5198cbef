package org.patgate.server.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.patgate.server.config.internal.ConfigRules;

/**
 * How notices about tokens go out ({@code notifications.*}): the SMTP server for mail (none while
 * {@code mail.host} is empty), the base URL that links in mails point to, how often the schedule looks
 * for due reminders, and how deliveries are retried (a doubling backoff from {@code retryBackoff}, at
 * most {@code maxAttempts} attempts, each bounded by {@code timeout}). Declares its keys
 * ({@link #KEYS}). Immutable.
 */
public record NotificationsConfig(
        String baseUrl,
        Duration scheduleInterval,
        Duration retryBackoff,
        int maxAttempts,
        Duration timeout,
        String mailHost,
        int mailPort,
        String mailFrom,
        String mailUsername,
        String mailPassword,
        StartTls mailStartTls) {

    /** Whether mail to the SMTP server is encrypted with STARTTLS. */
    public enum StartTls {
        /** Refuse to send unless the server offers STARTTLS. */
        REQUIRED,
        /** Use STARTTLS when the server offers it. */
        OPTIONAL,
        /** Never (a server on the same host or a trusted network only). */
        OFF
    }

    public static final Setting<NotificationsConfig, String> BASE_URL = Setting.of(
            "notifications.baseUrl",
            new SettingType.Text(),
            "",
            NotificationsConfig::optionalHttpUrl,
            NotificationsConfig::baseUrl,
            "The address users reach the PATgate UI at, for links in mails (e.g. https://patgate.example.com).");
    public static final Setting<NotificationsConfig, Duration> SCHEDULE_INTERVAL = Setting.of(
            "notifications.scheduleInterval",
            new SettingType.Span(),
            Duration.ofHours(1),
            ConfigRules::positive,
            NotificationsConfig::scheduleInterval,
            "How often due expiry reminders and unused-token notices are looked for.");
    public static final Setting<NotificationsConfig, Duration> RETRY_BACKOFF = Setting.of(
            "notifications.retryBackoff",
            new SettingType.Span(),
            Duration.ofMinutes(1),
            ConfigRules::positive,
            NotificationsConfig::retryBackoff,
            "Wait before the first retry of a failed delivery; doubles with each further attempt.");
    public static final Setting<NotificationsConfig, Integer> MAX_ATTEMPTS = Setting.of(
            "notifications.maxAttempts",
            new SettingType.Int(),
            8,
            ConfigRules.range(1, 100),
            NotificationsConfig::maxAttempts,
            "Attempts per delivery before it is given up as failed.");
    public static final Setting<NotificationsConfig, Duration> TIMEOUT = Setting.of(
            "notifications.timeout",
            new SettingType.Span(),
            Duration.ofSeconds(10),
            ConfigRules::positive,
            NotificationsConfig::timeout,
            "How long one delivery (SMTP conversation or webhook call) may take.");
    public static final Setting<NotificationsConfig, String> MAIL_HOST = Setting.of(
            "notifications.mail.host",
            new SettingType.Text(),
            "",
            NotificationsConfig::optionalHost,
            NotificationsConfig::mailHost,
            "SMTP server; empty: no mail is sent.");
    public static final Setting<NotificationsConfig, Integer> MAIL_PORT = Setting.of(
            "notifications.mail.port",
            new SettingType.Int(),
            587,
            ConfigRules.range(1, 65535),
            NotificationsConfig::mailPort,
            "SMTP port (587 for submission with STARTTLS).");
    public static final Setting<NotificationsConfig, String> MAIL_FROM = Setting.of(
            "notifications.mail.from",
            new SettingType.Text(),
            "",
            NotificationsConfig::optionalAddress,
            NotificationsConfig::mailFrom,
            "Sender address of the mails; required with mail.host.");
    public static final Setting<NotificationsConfig, String> MAIL_USERNAME = Setting.of(
            "notifications.mail.username",
            new SettingType.Text(),
            "",
            ConfigRules::plainText,
            NotificationsConfig::mailUsername,
            "SMTP user for authentication; empty: no authentication.");
    public static final Setting<NotificationsConfig, String> MAIL_PASSWORD = Setting.secret(
            "notifications.mail.password",
            "",
            value -> {},
            NotificationsConfig::mailPassword,
            "SMTP password (or env PATGATE_NOTIFICATIONS_MAIL_PASSWORD).");
    public static final Setting<NotificationsConfig, StartTls> MAIL_START_TLS = new Setting<>(
            "notifications.mail.startTls",
            new SettingType.Choice<>(StartTls.class),
            product -> StartTls.REQUIRED,
            value -> {},
            NotificationsConfig::mailStartTls,
            false,
            "startTls",
            "required, optional or off: whether mail is encrypted to the SMTP server with STARTTLS.");
    /** Every {@code notifications.*} key. */
    public static final List<Setting<NotificationsConfig, ?>> KEYS = List.of(
            BASE_URL,
            SCHEDULE_INTERVAL,
            RETRY_BACKOFF,
            MAX_ATTEMPTS,
            TIMEOUT,
            MAIL_HOST,
            MAIL_PORT,
            MAIL_FROM,
            MAIL_USERNAME,
            MAIL_PASSWORD,
            MAIL_START_TLS);

    public NotificationsConfig {
        BASE_URL.require(baseUrl);
        SCHEDULE_INTERVAL.require(scheduleInterval);
        RETRY_BACKOFF.require(retryBackoff);
        MAX_ATTEMPTS.require(maxAttempts);
        TIMEOUT.require(timeout);
        MAIL_HOST.require(mailHost);
        MAIL_PORT.require(mailPort);
        MAIL_FROM.require(mailFrom);
        MAIL_USERNAME.require(mailUsername);
        MAIL_PASSWORD.require(mailPassword);
        MAIL_START_TLS.require(mailStartTls);
        if (!mailHost.isEmpty() && mailFrom.isEmpty()) {
            throw new ConfigException(MAIL_FROM.key() + ": must be set when " + MAIL_HOST.key() + " is set");
        }
        if (!mailPassword.isEmpty() && mailUsername.isEmpty()) {
            throw new ConfigException(MAIL_USERNAME.key() + ": must be set when " + MAIL_PASSWORD.key() + " is set");
        }
    }

    /** Whether mail is configured. */
    public boolean mailEnabled() {
        return !mailHost.isEmpty();
    }

    /** Builds the section from one value per key in {@link #KEYS}. */
    public static NotificationsConfig from(Function<? super Setting<NotificationsConfig, ?>, Object> values) {
        return new NotificationsConfig(
                BASE_URL.pick(values),
                SCHEDULE_INTERVAL.pick(values),
                RETRY_BACKOFF.pick(values),
                MAX_ATTEMPTS.pick(values),
                TIMEOUT.pick(values),
                MAIL_HOST.pick(values),
                MAIL_PORT.pick(values),
                MAIL_FROM.pick(values),
                MAIL_USERNAME.pick(values),
                MAIL_PASSWORD.pick(values),
                MAIL_START_TLS.pick(values));
    }

    public static NotificationsConfig defaults() {
        return from(setting -> setting.defaultFor(UpstreamProduct.GENERIC));
    }

    private static void optionalHttpUrl(String url) {
        if (url.isEmpty()) {
            return;
        }
        try {
            ConfigRules.httpUrl(URI.create(url));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("must be an absolute http(s) URL or empty");
        }
    }

    private static void optionalHost(String host) {
        if (!host.isEmpty()) {
            ConfigRules.host(host);
        }
    }

    /** Empty, or one plain e-mail address (local@domain, no display name). */
    private static void optionalAddress(String address) {
        if (!address.isEmpty() && !address.matches("[^@\\s<>\",;]{1,64}@[A-Za-z0-9.-]{1,253}")) {
            throw new ConfigException("must be an e-mail address like patgate@example.com");
        }
    }
}
