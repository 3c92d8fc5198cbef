package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.patgate.server.config.ConfigException;
import org.patgate.server.config.PatgateConfig;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningGateway;
import org.slf4j.LoggerFactory;

/**
 * Each Atlassian product is protected by default: {@code upstream.product} gives the {@code rest.*}
 * defaults (paths with common context paths, read-only POSTs, session cookie names), explicit keys
 * win, and password Basic seen outside {@code rest.paths} is counted in health and warned about once.
 */
@EndToEndTest
class ProductPresetTest {

    @TempDir
    Path tmp;

    static final String PASSWORD_BASIC = "Basic " + BypassTest.b64("bob:bobs-password");

    @ParameterizedTest
    @EnumSource(UpstreamProduct.class)
    void eachProductPresetGivesTheRestDefaults(UpstreamProduct product) {
        PatgateConfig config = PatgateConfig.load(
                null, Map.of("PATGATE_UPSTREAM_PRODUCT", product.name().toLowerCase()));

        assertThat(config.upstream().product()).isEqualTo(product);
        assertThat(config.rest().paths()).isEqualTo(product.restPaths());
        assertThat(config.rest().readOnlyPosts()).isEqualTo(product.readOnlyPosts());
        assertThat(config.rest().sessionCookies()).isEqualTo(product.sessionCookies());
        assertThat(config.toMaskedYaml())
                .contains("product: \"" + product.name().toLowerCase() + "\"")
                .contains(product.sessionCookies().getFirst());
    }

    @Test
    void presetsCoverTheProductsContextPathsAndSessions() {
        assertThat(UpstreamProduct.CONFLUENCE.restPaths()).contains("/rest/**", "/wiki/rest/**");
        assertThat(UpstreamProduct.CONFLUENCE.sessionCookies()).contains("JSESSIONID", "seraph.confluence");
        assertThat(UpstreamProduct.JIRA.sessionCookies()).contains("JSESSIONID", "seraph.rememberme.cookie");
        assertThat(UpstreamProduct.BITBUCKET.restPaths()).contains("/rest/**", "/scm/**");
        assertThat(UpstreamProduct.BITBUCKET.sessionCookies())
                .containsExactly("BITBUCKETSESSIONID", "_atl_bitbucket_remember_me");
        assertThat(PatgateConfig.defaults().upstream().product()).isEqualTo(UpstreamProduct.GENERIC);
    }

    @Test
    void explicitRestKeysWinOverThePreset() {
        PatgateConfig config = PatgateConfig.load(
                null,
                Map.of(
                        "PATGATE_UPSTREAM_PRODUCT",
                        "confluence",
                        "PATGATE_REST_PATHS",
                        "/api/**",
                        "PATGATE_REST_READONLYPOSTS",
                        "/api/search",
                        "PATGATE_REST_SESSIONCOOKIES",
                        "MYSESSION,other.cookie"));

        assertThat(config.rest().paths()).containsExactly("/api/**");
        assertThat(config.rest().readOnlyPosts()).containsExactly("/api/search");
        assertThat(config.rest().sessionCookies()).containsExactly("MYSESSION", "other.cookie");
    }

    @Test
    void badProductAndBadCookieNamesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> PatgateConfig.load(
                        null,
                        Map.of(
                                "PATGATE_UPSTREAM_PRODUCT",
                                "gitlab",
                                "PATGATE_REST_SESSIONCOOKIES",
                                "JSESSIONID,bad name")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("upstream.product: must be generic, jira, confluence or bitbucket")
                .hasMessageContaining("rest.sessionCookies[1]: must be a cookie name");
    }

    @ParameterizedTest
    @EnumSource(
            value = UpstreamProduct.class,
            names = {"JIRA", "CONFLUENCE", "BITBUCKET"})
    void passwordBasicIsRefusedOnEveryPresetPathAndOnlyTheProductsSessionCookiesCount(UpstreamProduct product)
            throws Exception {
        Path dir = Files.createDirectory(tmp.resolve(product.name()));
        try (RunningGateway gw = RunningGateway.start(
                dir, Map.of("PATGATE_UPSTREAM_PRODUCT", product.name().toLowerCase()))) {
            for (String pattern : product.restPaths()) {
                String path = pattern.replace("/**", "/api/content/1").replace("/*/", "/x/");
                gw.upstream.clear();
                var answer = gw.send("GET", path, Map.of("Authorization", PASSWORD_BASIC), null);
                assertThat(answer.status()).as(path).isEqualTo(401);
                assertThat(answer.body()).contains("password authentication is disabled");
                assertThat(gw.upstream.received()).as(path).isEmpty();

                var token = gw.bearer("GET", path, gw.readWrite());
                assertThat(token.status()).as(path).isEqualTo(200);
                assertThat(gw.upstream.last().header("X-Forwarded-User")).containsExactly("alice");
            }
            String restPath = product.restPaths().getLast().replace("/**", "/api/content/1");
            for (String session : product.sessionCookies()) {
                assertThat(gw.send("GET", restPath, Map.of("Cookie", session + "=abc"), null)
                                .status())
                        .as(session)
                        .isEqualTo(200);
            }
            String foreign = product == UpstreamProduct.BITBUCKET ? "JSESSIONID" : "BITBUCKETSESSIONID";
            assertThat(gw.send("GET", restPath, Map.of("Cookie", foreign + "=abc"), null)
                            .status())
                    .isEqualTo(401);
        }
    }

    @Test
    void passwordsOutsideRestPathsAreForwardedButCountedInHealthAndWarnedOnce() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(PasswordsOutsideRestPaths.class);
        logs.start();
        logger.addAppender(logs);
        Path dir = Files.createDirectory(tmp.resolve("generic"));
        try (RunningGateway gw = RunningGateway.start(dir, Map.of())) {
            assertThat(health(gw)).isZero();
            for (int i = 0; i < 3; i++) {
                var answer =
                        gw.send("GET", "/wiki/rest/api/content/" + i, Map.of("Authorization", PASSWORD_BASIC), null);
                assertThat(answer.status()).isEqualTo(200); // generic: /wiki/rest is not a REST path
            }
            gw.send("GET", "/wiki/rest/api/space?os_username=bob&os_password=x", Map.of(), null);
            gw.send("GET", "/secure/Dashboard.jspa", Map.of(), null); // no password: not counted

            assertThat(health(gw)).isEqualTo(4);
            List<String> warnings =
                    logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(warnings).hasSize(1);
            assertThat(warnings.getFirst())
                    .contains("/wiki/**")
                    .contains("rest.paths")
                    .doesNotContain("bob")
                    .doesNotContain("bobs-password")
                    .doesNotContain(BypassTest.b64("bob:bobs-password"));
            assertThat(logs.list.getFirst().getLevel().toString()).isEqualTo("WARN");
        } finally {
            logger.detachAppender(logs);
        }
    }

    private static long health(RunningGateway gw) {
        return gw.server
                .call("GET", "/.patgate/health", null, null, null)
                .json()
                .get("gateway")
                .get("passwordAuthOutsideRestPaths")
                .asLong();
    }
}
