package org.patgate.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code notifications.*}: defaults, validation naming the key, the SMTP password masked. */
class NotificationsConfigTest {

    @Test
    void byDefaultNoMailIsSentAndRemindersRunHourly() {
        NotificationsConfig defaults = PatgateConfig.defaults().notifications();
        assertThat(defaults.mailEnabled()).isFalse();
        assertThat(defaults.scheduleInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(defaults.mailStartTls()).isEqualTo(NotificationsConfig.StartTls.REQUIRED);
    }

    @Test
    void badValuesFailAtStartNamingTheirKeys() {
        assertThatThrownBy(() -> PatgateConfig.load(
                        null,
                        Map.of(
                                "PATGATE_NOTIFICATIONS_MAIL_STARTTLS", "maybe",
                                "PATGATE_NOTIFICATIONS_BASEURL", "patgate.example.com",
                                "PATGATE_NOTIFICATIONS_MAXATTEMPTS", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("notifications.mail.startTls: must be required, optional or off")
                .hasMessageContaining("notifications.baseUrl: must be an absolute http(s) URL")
                .hasMessageContaining("notifications.maxAttempts: must be 1..100");
        assertThatThrownBy(
                        () -> PatgateConfig.load(null, Map.of("PATGATE_NOTIFICATIONS_MAIL_HOST", "smtp.example.com")))
                .hasMessageContaining("notifications.mail.from: must be set when notifications.mail.host is set");
        assertThatThrownBy(() -> PatgateConfig.load(
                        null,
                        Map.of(
                                "PATGATE_NOTIFICATIONS_MAIL_HOST", "smtp.example.com",
                                "PATGATE_NOTIFICATIONS_MAIL_FROM", "patgate@example.com",
                                "PATGATE_NOTIFICATIONS_MAIL_PASSWORD", "smtp-secret-77")))
                .hasMessageContaining("notifications.mail.username: must be set")
                .message()
                .doesNotContain("smtp-secret-77");
    }

    @Test
    void theSmtpPasswordIsMaskedWhenTheConfigurationIsPrinted() {
        PatgateConfig config = PatgateConfig.load(
                null,
                Map.of(
                        "PATGATE_NOTIFICATIONS_MAIL_HOST", "smtp.example.com",
                        "PATGATE_NOTIFICATIONS_MAIL_FROM", "patgate@example.com",
                        "PATGATE_NOTIFICATIONS_MAIL_USERNAME", "patgate",
                        "PATGATE_NOTIFICATIONS_MAIL_PASSWORD", "smtp-secret-77"));
        assertThat(config.notifications().mailEnabled()).isTrue();
        assertThat(config.toMaskedYaml()).contains("host: \"smtp.example.com\"").doesNotContain("smtp-secret-77");
        assertThat(config.toMaskedYaml()).contains("password: \"******\"");
    }
}
