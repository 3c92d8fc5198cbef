package org.patgate.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.patgate.server.config.internal.ConfigKeys;

/** A setting's declaration gives its environment name, its checks in the configuration's order, and its wire form. */
class SettingTest {

    @Test
    void theEnvironmentNameIsTheUpperCasedKeyWithoutCamelCaseSplitting() {
        assertThat(RestKeys.PASSWORD_EXEMPT_USERS.envName()).isEqualTo("PATGATE_REST_PASSWORDEXEMPTUSERS");
        assertThat(RestKeys.PASSWORD_EXEMPT_USERS.field()).isEqualTo("passwordExemptUsers");
        for (Setting<?, ?> setting : ConfigKeys.DECLARED) {
            assertThat(ConfigKeys.byEnvName(setting.envName()))
                    .as(setting.key())
                    .isPresent();
        }
    }

    @Test
    void problemsComeUnsetFirstThenItemsThenTheWholeValue() {
        assertThat(RestKeys.PATHS.problem(null)).contains(new Setting.Problem("rest.paths", "must be set"));
        assertThat(RestKeys.PATHS.problem(Arrays.asList("bad", null)))
                .contains(new Setting.Problem("rest.paths[1]", "must be set"));
        assertThat(RestKeys.PATHS.problem(List.of("/ok/**", "bad")))
                .contains(new Setting.Problem("rest.paths[1]", "must start with '/'"));
        assertThat(RestKeys.PATHS.problem(List.of()))
                .contains(new Setting.Problem("rest.paths", "must list at least one path pattern"));
        assertThat(RestKeys.PATHS.problem(List.of("/rest/**"))).isEmpty();
    }

    @Test
    void requireNamesTheKeyAndCopiesLists() {
        assertThatThrownBy(() -> ListenConfig.PORT.require(70000))
                .isInstanceOf(ConfigException.class)
                .hasMessage("listen.port: must be 0..65535 (0 picks a free port)");
        List<String> held = RestKeys.ALLOWED_IPS.require(new ArrayList<>(List.of("10.0.0.0/8")));
        assertThatThrownBy(() -> held.add("::1")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void wireFormsAreTheConfigurationsOwnSpelling() {
        assertThat(RestKeys.PASSWORD_AUTH.toWire(RestConfig.PasswordAuth.BLOCK)).isEqualTo("block");
        assertThat(RestKeys.ANONYMOUS.type().fromWire(" Allow ")).isEqualTo(RestConfig.Anonymous.ALLOW);
        assertThatThrownBy(() -> RestKeys.ANONYMOUS.type().fromWire("maybe")).hasMessage("must be deny or allow");
        assertThat(LimitsConfig.UPSTREAM_WAIT.toWire(Duration.ofSeconds(5))).isEqualTo("5s");
        assertThat(RestKeys.SESSION_COOKIES.defaultFor(UpstreamProduct.GENERIC)).containsExactly("JSESSIONID");
    }
}
