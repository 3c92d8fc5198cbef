package org.patgate.server.ui.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.patgate.server.config.RestConfig;
import org.patgate.server.config.RestKeys;
import org.patgate.server.config.Setting;
import org.patgate.server.config.SettingType;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.settings.InvalidSettingsException;
import org.patgate.server.settings.RestSettings;
import org.patgate.server.settings.SettingsService;

/**
 * {@code /.patgate/admin/settings}: the {@code rest.*} settings in force and where each comes from,
 * one form to change them ({@link SettingsService#update}) and a confirmed reset to the configuration
 * ({@link SettingsService#reset}). A field that follows the configuration keeps following it when it
 * is saved unchanged, so saving one change does not pin every other value. Admins only (checked by
 * the caller and again by the service). Thread-safe.
 */
public final class SettingsPages {

    static final String PATH = AdminPages.PATH + "/settings";

    private final SettingsService settings;

    public SettingsPages(SettingsService settings) {
        this.settings = settings;
    }

    void handle(UiExchange exchange) {
        List<String> path = exchange.segments();
        boolean post = exchange.method().equals("POST");
        if (path.size() == 2) {
            if (post) {
                save(exchange);
            } else {
                show(exchange, settings.current(exchange.principal()), null, Map.of(), null, 200);
            }
        } else if (path.size() == 3 && path.get(2).equals("reset")) {
            reset(exchange, post);
        } else {
            throw new NotFoundException("no such page");
        }
    }

    private void save(UiExchange exchange) {
        SettingsService.Current before = settings.current(exchange.principal());
        Map<String, String> submitted = new LinkedHashMap<>();
        for (String field : RestSettings.FIELDS) {
            String value = exchange.field(field);
            submitted.put(field, value == null ? "" : value);
        }
        Map<String, Object> values = new HashMap<>();
        for (Setting<RestConfig, ?> setting : RestKeys.ALL) {
            String field = setting.field();
            Object now = setting.wireValueIn(before.effective());
            Object sent = setting.type().list()
                    ? lines(submitted.get(field))
                    : submitted.get(field).strip();
            // An unchanged value that follows the configuration goes on following it.
            boolean unchanged = String.valueOf(now).equals(String.valueOf(sent));
            boolean following = before.source(setting) == SettingsService.Source.CONFIGURATION;
            values.put(field, following && unchanged ? null : sent);
        }
        try {
            RestSettings wanted = RestSettings.fromWire(values);
            SettingsService.Current after = settings.update(exchange.principal(), exchange.sourceIp(), wanted);
            show(
                    exchange,
                    after,
                    "Settings saved. They apply on this node now and on every node within "
                            + after.refreshInterval().toSeconds() + " s.",
                    Map.of(),
                    null,
                    200);
        } catch (InvalidSettingsException e) {
            show(exchange, before, null, byField(e.fieldErrors()), submitted, 400);
        }
    }

    private void reset(UiExchange exchange, boolean post) {
        if (!post || !"yes".equals(exchange.field("confirm"))) {
            Map<String, Object> params = new HashMap<>();
            params.put("shell", exchange.shell("Reset settings", "admin-settings"));
            exchange.html(200, "admin/settings_reset.jte", params);
            return;
        }
        SettingsService.Current after = settings.reset(exchange.principal(), exchange.sourceIp());
        show(exchange, after, "Every value follows the configuration again.", Map.of(), null, 200);
    }

    /**
     * Renders the form: the values in force, or what was submitted when it had errors.
     *
     * @param submitted the raw form values to echo back, or null to show the values in force
     */
    private static void show(
            UiExchange exchange,
            SettingsService.Current current,
            String notice,
            Map<String, String> errors,
            Map<String, String> submitted,
            int status) {
        List<Views.SettingField> fields = new ArrayList<>();
        for (Setting<RestConfig, ?> setting : RestKeys.ALL) {
            String field = setting.field();
            Object value = setting.wireValueIn(current.effective());
            boolean list = setting.type().list();
            String text = submitted != null
                    ? submitted.get(field)
                    : list
                            ? String.join(
                                    "\n",
                                    ((List<?>) value)
                                            .stream().map(String::valueOf).toList())
                            : String.valueOf(value);
            List<String> choices = setting.type() instanceof SettingType.Choice<?> choice ? choice.names() : List.of();
            fields.add(new Views.SettingField(
                    field,
                    setting.title(),
                    setting.doc(),
                    list,
                    text,
                    choices,
                    current.source(setting).name().toLowerCase(Locale.ROOT),
                    errors.get(field)));
        }
        Map<String, Object> params = new HashMap<>();
        params.put("shell", exchange.shell("Settings", "admin-settings"));
        params.put("fields", fields);
        params.put("notice", notice);
        params.put("problem", errors.isEmpty() ? null : "Nothing was changed. Please correct the fields marked below.");
        params.put("general", errors.get("rest"));
        params.put(
                "updated",
                current.updatedBy() == null ? null : current.updatedBy() + " on " + Views.time(current.updatedAt()));
        params.put("stored", RestKeys.ALL.stream().anyMatch(s -> current.source(s) == SettingsService.Source.STORED));
        exchange.html(status, "admin/settings.jte", params);
    }

    /** "rest.paths[2]: must start with '/'" becomes, on the paths field, "line 3: must start with '/'". */
    private static Map<String, String> byField(Map<String, String> errors) {
        Map<String, String> result = new LinkedHashMap<>();
        errors.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String key = e.getKey().startsWith("rest.") ? e.getKey().substring("rest.".length()) : e.getKey();
            String field = key;
            String message = e.getValue();
            int bracket = key.indexOf('[');
            if (bracket > 0 && key.endsWith("]")) {
                field = key.substring(0, bracket);
                try {
                    message = "line " + (Integer.parseInt(key.substring(bracket + 1, key.length() - 1)) + 1) + ": "
                            + message;
                } catch (NumberFormatException ignored) {
                    // Not an index: show the reason as it is.
                }
            }
            result.merge(field, message, (a, b) -> a + "; " + b);
        });
        return result;
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }
}
