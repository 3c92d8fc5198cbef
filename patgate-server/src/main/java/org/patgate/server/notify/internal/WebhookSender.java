package org.patgate.server.notify.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import org.patgate.server.notify.WebhookSignature;

/**
 * Posts a notice's JSON to a webhook, signed with the webhook's secret ({@link WebhookSignature}).
 * Only a 2xx answer counts as delivered; redirects are not followed (a moved receiver must be
 * configured anew). Each call is bounded by the timeout. Thread-safe.
 */
public final class WebhookSender {

    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;

    public WebhookSender(Duration timeout, Clock clock) {
        this.timeout = timeout;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public void send(String url, String secret, String event, String body) throws DeliveryFailure {
        long now = clock.instant().getEpochSecond();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "PATgate-Webhook")
                    .header("PATgate-Event", event)
                    .header(WebhookSignature.HEADER, WebhookSignature.sign(secret, now, body))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new DeliveryFailure("webhook " + url + " is not a usable URL");
        }
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                throw new DeliveryFailure("webhook " + url + " answered HTTP " + response.statusCode());
            }
        } catch (HttpTimeoutException e) {
            throw new DeliveryFailure("webhook " + url + " did not answer within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            throw new DeliveryFailure("webhook " + url + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryFailure("webhook " + url + ": interrupted");
        }
    }

    public void close() {
        http.close();
    }
}
