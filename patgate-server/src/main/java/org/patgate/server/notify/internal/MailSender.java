package org.patgate.server.notify.internal;

import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Date;
import java.util.Properties;
import org.patgate.server.config.NotificationsConfig;

/**
 * Sends plain-text mails through the configured SMTP server ({@code notifications.mail.*}): with
 * SMTP authentication when a username is set, and STARTTLS as configured ({@code required} refuses a
 * server that does not offer it; the server's certificate and name are checked). Every conversation
 * is bounded by {@code notifications.timeout}. Thread-safe.
 */
public final class MailSender {

    private final Session session;
    private final InternetAddress from;
    private final Clock clock;

    public MailSender(NotificationsConfig config, Clock clock) {
        this.clock = clock;
        String timeout = String.valueOf(config.timeout().toMillis());
        Properties properties = new Properties();
        properties.put("mail.smtp.host", config.mailHost());
        properties.put("mail.smtp.port", String.valueOf(config.mailPort()));
        properties.put("mail.smtp.connectiontimeout", timeout);
        properties.put("mail.smtp.timeout", timeout);
        properties.put("mail.smtp.writetimeout", timeout);
        boolean auth = !config.mailUsername().isEmpty();
        properties.put("mail.smtp.auth", String.valueOf(auth));
        switch (config.mailStartTls()) {
            case REQUIRED -> {
                properties.put("mail.smtp.starttls.enable", "true");
                properties.put("mail.smtp.starttls.required", "true");
                properties.put("mail.smtp.ssl.checkserveridentity", "true");
            }
            case OPTIONAL -> {
                properties.put("mail.smtp.starttls.enable", "true");
                properties.put("mail.smtp.ssl.checkserveridentity", "true");
            }
            case OFF -> properties.put("mail.smtp.starttls.enable", "false");
        }
        String username = config.mailUsername();
        String password = config.mailPassword();
        this.session = Session.getInstance(
                properties,
                auth
                        ? new Authenticator() {
                            @Override
                            protected PasswordAuthentication getPasswordAuthentication() {
                                return new PasswordAuthentication(username, password);
                            }
                        }
                        : null);
        try {
            this.from = new InternetAddress(config.mailFrom(), true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("notifications.mail.from: not an e-mail address", e);
        }
    }

    /** Sends one mail; a refusal or an unreachable server is a {@link DeliveryFailure}. */
    public void send(String to, String subject, String text) throws DeliveryFailure {
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(from);
            message.setRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
            message.setSubject(subject, StandardCharsets.UTF_8.name());
            message.setText(text, StandardCharsets.UTF_8.name());
            message.setSentDate(Date.from(clock.instant()));
            message.setHeader("Auto-Submitted", "auto-generated"); // RFC 3834: no auto-replies, please
            Transport.send(message);
        } catch (MessagingException e) {
            // The server's answer (e.g. "535 authentication failed") helps; it never holds our password.
            throw new DeliveryFailure("mail to " + to + " failed: " + summary(e));
        }
    }

    private static String summary(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && text.length() < 500; t = t.getCause()) {
            if (!text.isEmpty()) {
                text.append(": ");
            }
            text.append(
                    t.getMessage() == null
                            ? t.getClass().getSimpleName()
                            : t.getMessage().strip());
        }
        return text.toString();
    }
}
