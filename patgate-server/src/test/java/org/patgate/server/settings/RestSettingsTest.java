package org.patgate.server.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.patgate.server.config.RestConfig;

/** RestSettings apply the configuration's own rules to runtime values, and win over the configuration field by field. */
class RestSettingsTest {

    private static final RestConfig CONFIG = new RestConfig(List.of("/rest/**"), RestConfig.PasswordAuth.BLOCK,
            List.of("/rest/api/2/search"), RestConfig.Anonymous.DENY, List.of("legacy"), List.of(), List.of("10.0.0.0/8"));

    @Test
    void theConfigurationsRulesRefuseWhatItWouldRefuseAndNameEveryField() {
        InvalidSettingsException e = catchThrowableOfType(InvalidSettingsException.class, () -> RestSettings.fromWire(
                "sometimes", List.of("/rest/**", "/a/**/b"), List.of("/x;y"), "ALLOW", List.of("two words"),
                List.of(""), List.of("10.0.0.010")));

        assertThat(e.fieldErrors()).containsOnlyKeys("rest.passwordAuth", "rest.paths[1]", "rest.readOnlyPosts[0]",
                "rest.passwordExemptUsers[0]", "rest.passwordExemptGroups[0]", "rest.allowedIps[0]");
        assertThat(e.fieldErrors().get("rest.passwordAuth")).isEqualTo("must be block or allow");
        assertThat(e.fieldErrors().get("rest.paths[1]")).isEqualTo("may use '**' only as the last segment");
        assertThat(e.fieldErrors().get("rest.allowedIps[0]")).contains("no leading zeros");
        assertThat(e.getMessage()).startsWith("rest.passwordAuth: must be block or allow; rest.paths[1]: ");
    }

    @Test
    void emptyPathsAndMissingItemsAreRefused() {
        assertThatThrownBy(() -> RestSettings.fromWire(null, List.of(), null, null, null, null, null))
                .isInstanceOf(InvalidSettingsException.class).hasMessage("rest.paths: must list at least one path pattern");
        assertThatThrownBy(() -> RestSettings.fromWire(null, null, null, null, null, null, Arrays.asList("::1", null)))
                .isInstanceOf(InvalidSettingsException.class).hasMessage("rest.allowedIps[1]: must be set");
    }

    @Test
    void enumsAreReadIgnoringCaseLikeTheConfiguration() {
        RestSettings settings = RestSettings.fromWire(" Allow ", null, null, "allow", null, null, null);

        assertThat(settings.passwordAuth()).isEqualTo(RestConfig.PasswordAuth.ALLOW);
        assertThat(settings.anonymous()).isEqualTo(RestConfig.Anonymous.ALLOW);
    }

    @Test
    void setFieldsWinOverTheConfigurationAndUnsetOnesFollowIt() {
        RestSettings settings = new RestSettings(RestConfig.PasswordAuth.ALLOW, null, List.of(), null, null, null,
                List.of());

        RestConfig effective = settings.over(CONFIG);

        assertThat(effective.passwordAuth()).isEqualTo(RestConfig.PasswordAuth.ALLOW);
        assertThat(effective.readOnlyPosts()).as("an empty list is a value, not 'unset'").isEmpty();
        assertThat(effective.allowedIps()).isEmpty();
        assertThat(effective.paths()).isEqualTo(CONFIG.paths());
        assertThat(effective.passwordExemptUsers()).containsExactly("legacy");
        assertThat(settings.isSet("readOnlyPosts")).isTrue();
        assertThat(settings.isSet("paths")).isFalse();
        assertThat(RestSettings.NONE.over(CONFIG)).isEqualTo(CONFIG);
    }

    @Test
    void listsAreCopied() {
        java.util.ArrayList<String> paths = new java.util.ArrayList<>(List.of("/rest/**"));
        RestSettings settings = new RestSettings(null, paths, null, null, null, null, null);

        paths.add("/api/**");

        assertThat(settings.paths()).containsExactly("/rest/**");
    }
}
