package org.patgate.server.api;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.patgate.server.config.RestConfig;
import org.patgate.server.config.RestKeys;
import org.patgate.server.config.Setting;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.http.Exchange;
import org.patgate.server.principal.Principal;
import org.patgate.server.settings.RestSettings;
import org.patgate.server.settings.SettingsService;

/**
 * {@code /settings} (admins): {@code GET} the settings in force and where each value comes from,
 * {@code PUT} to replace what administrators set (fields left out or {@code null} follow the
 * configuration), {@code DELETE} to follow the configuration again. Thread-safe.
 */
public final class SettingsResource {

    private final SettingsService service;

    public SettingsResource(SettingsService service) {
        this.service = service;
    }

    /** The PUT body: {@code {"rest": {...}}}, each field as its {@code rest.*} configuration key ({@link RestKeys}). */
    record SettingsBody(
            @JsonDeserialize(using = SettingsFields.class) Map<String, Object> rest) {}

    /** One value in force and where it comes from: {@code configuration} or {@code stored}. */
    record InForce(Object value, String source) {}

    record SettingsView(Map<String, InForce> rest, String updatedBy, Instant updatedAt, String refreshInterval) {}

    /** {@code GET /settings}: the values in force and where each comes from (admins). */
    void get(Exchange exchange, Principal principal) {
        exchange.sendJson(200, view(service.current(principal)));
    }

    /** {@code PUT /settings}: replaces the stored values; a field left out follows the configuration (admins). */
    void put(Exchange exchange, Principal principal) {
        service.current(principal); // refuses non-admins (403) before the body is read
        SettingsBody body = exchange.readJson(SettingsBody.class);
        if (body.rest() == null) {
            throw new InvalidRequestException(
                    "rest: required; {\"rest\": {}} makes every value follow the configuration",
                    Map.of("rest", "required"));
        }
        RestSettings settings = RestSettings.fromWire(body.rest());
        exchange.sendJson(200, view(service.update(principal, exchange.sourceIp(), settings)));
    }

    /** {@code DELETE /settings}: forgets every stored value; the configuration applies again (admins). */
    void reset(Exchange exchange, Principal principal) {
        exchange.sendJson(200, view(service.reset(principal, exchange.sourceIp())));
    }

    private static SettingsView view(SettingsService.Current current) {
        Map<String, InForce> rest = new LinkedHashMap<>();
        for (Setting<RestConfig, ?> setting : RestKeys.ALL) {
            rest.put(
                    setting.field(),
                    new InForce(
                            setting.wireValueIn(current.effective()),
                            current.source(setting).name().toLowerCase(Locale.ROOT)));
        }
        return new SettingsView(
                rest,
                current.updatedBy(),
                current.updatedAt(),
                current.refreshInterval().toString());
    }
}
