package org.patgate.server.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.patgate.server.config.RestConfig;
import org.patgate.server.config.RestKeys;

/** RestSettings apply the configuration's own rules to runtime values, and win over the configuration field by field. */
class RestSettingsTest {

    private static final RestConfig CONFIG = new RestConfig(
            List.of("/rest/**"),
            RestConfig.PasswordAuth.BLOCK,
            List.of("/rest/api/2/search"),
            RestConfig.Anonymous.DENY,
            List.of("legacy"),
            List.of(),
            List.of("10.0.0.0/8"));

    @Test
    void theConfigurationsRulesRefuseWhatItWouldRefuseAndNameEveryField() {
        InvalidSettingsException e = catchThrowableOfType(
                InvalidSettingsException.class,
                () -> RestSettings.fromWire(wire(
                        "passwordAuth",
                        "sometimes",
                        "paths",
                        List.of("/rest/**", "/a/**/b"),
                        "readOnlyPosts",
                        List.of("/x;y"),
                        "anonymous",
                        "ALLOW",
                        "passwordExemptUsers",
                        List.of("two words"),
                        "passwordExemptGroups",
                        List.of(""),
                        "allowedIps",
                        List.of("10.0.0.010"))));

        assertThat(e.fieldErrors())
                .containsOnlyKeys(
                        "rest.passwordAuth",
                        "rest.paths[1]",
                        "rest.readOnlyPosts[0]",
                        "rest.passwordExemptUsers[0]",
                        "rest.passwordExemptGroups[0]",
                        "rest.allowedIps[0]");
        assertThat(e.fieldErrors().get("rest.passwordAuth")).isEqualTo("must be block or allow");
        assertThat(e.fieldErrors().get("rest.paths[1]")).isEqualTo("may use '**' only as the last segment");
        assertThat(e.fieldErrors().get("rest.allowedIps[0]")).contains("no leading zeros");
        assertThat(e.getMessage()).startsWith("rest.passwordAuth: must be block or allow; rest.paths[1]: ");
    }

    @Test
    void emptyPathsAndMissingItemsAreRefused() {
        assertThatThrownBy(() -> RestSettings.fromWire(wire("paths", List.of())))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessage("rest.paths: must list at least one path pattern");
        assertThatThrownBy(() -> RestSettings.fromWire(wire("allowedIps", Arrays.asList("::1", null))))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessage("rest.allowedIps[1]: must be set");
    }

    @Test
    void enumsAreReadIgnoringCaseLikeTheConfiguration() {
        RestSettings settings = RestSettings.fromWire(wire("passwordAuth", " Allow ", "anonymous", "allow"));

        assertThat(settings.get(RestKeys.PASSWORD_AUTH)).isEqualTo(RestConfig.PasswordAuth.ALLOW);
        assertThat(settings.get(RestKeys.ANONYMOUS)).isEqualTo(RestConfig.Anonymous.ALLOW);
    }

    @Test
    void setFieldsWinOverTheConfigurationAndUnsetOnesFollowIt() {
        RestSettings settings = RestSettings.NONE
                .with(RestKeys.PASSWORD_AUTH, RestConfig.PasswordAuth.ALLOW)
                .with(RestKeys.READ_ONLY_POSTS, List.of())
                .with(RestKeys.ALLOWED_IPS, List.of());

        RestConfig effective = settings.over(CONFIG);

        assertThat(effective.passwordAuth()).isEqualTo(RestConfig.PasswordAuth.ALLOW);
        assertThat(effective.readOnlyPosts())
                .as("an empty list is a value, not 'unset'")
                .isEmpty();
        assertThat(effective.allowedIps()).isEmpty();
        assertThat(effective.paths()).isEqualTo(CONFIG.paths());
        assertThat(effective.passwordExemptUsers()).containsExactly("legacy");
        assertThat(settings.isSet(RestKeys.READ_ONLY_POSTS)).isTrue();
        assertThat(settings.isSet(RestKeys.PATHS)).isFalse();
        assertThat(RestSettings.NONE.over(CONFIG)).isEqualTo(CONFIG);
    }

    @Test
    void listsAreCopied() {
        ArrayList<String> paths = new ArrayList<>(List.of("/rest/**"));
        RestSettings settings = RestSettings.NONE.with(RestKeys.PATHS, paths);

        paths.add("/api/**");

        assertThat(settings.get(RestKeys.PATHS)).containsExactly("/rest/**");
    }

    /** A wire form: field names and values, in order. */
    private static Map<String, Object> wire(Object... namesAndValues) {
        Map<String, Object> wire = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            wire.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return wire;
    }
}
