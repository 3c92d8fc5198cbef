package org.patgate.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiRoutesTest {

    private static ApiRoutes.Match match(String method, String path) {
        return ApiRoutes.ALL.match(method, List.of(path.substring(1).split("/", -1)));
    }

    @Test
    void parametersAreTakenFromTheMatchedSegments() {
        ApiRoutes.Match match = match("POST", "/tokens/Ab12/rotate");

        assertThat(match).isInstanceOfSatisfying(ApiRoutes.Match.Found.class, found -> {
            assertThat(found.route().template()).isEqualTo("/tokens/{id}/rotate");
            assertThat(found.parameters()).isEqualTo(Map.of("id", "Ab12"));
        });
    }

    @Test
    void aLiteralSegmentBeatsAParameter() {
        assertThat(match("POST", "/tokens/revoke"))
                .isInstanceOfSatisfying(
                        ApiRoutes.Match.Found.class,
                        found -> assertThat(found.route().template()).isEqualTo("/tokens/revoke"));
        assertThat(match("GET", "/tokens/revoke"))
                .as("the literal path decides the allowed methods")
                .isEqualTo(new ApiRoutes.Match.WrongMethod("POST"));
        assertThat(match("GET", "/permissions/everyone"))
                .isInstanceOfSatisfying(
                        ApiRoutes.Match.Found.class,
                        found -> assertThat(found.route().template()).isEqualTo("/permissions/everyone"));
    }

    @Test
    void aKnownPathWithAnotherMethodListsTheAllowedOnesInAFixedOrder() {
        assertThat(match("PUT", "/tokens")).isEqualTo(new ApiRoutes.Match.WrongMethod("GET, POST"));
        assertThat(match("POST", "/users/alice")).isEqualTo(new ApiRoutes.Match.WrongMethod("GET, PATCH, DELETE"));
        assertThat(match("HEAD", "/policies/groups/dev"))
                .isEqualTo(new ApiRoutes.Match.WrongMethod("GET, PUT, DELETE"));
    }

    @Test
    void unknownPathsAndEmptyParametersMatchNothing() {
        assertThat(match("GET", "/nothing")).isInstanceOf(ApiRoutes.Match.NotFound.class);
        assertThat(match("GET", "/tokens//activity")).isInstanceOf(ApiRoutes.Match.NotFound.class);
        assertThat(match("GET", "/tokens/a/b/c")).isInstanceOf(ApiRoutes.Match.NotFound.class);
        assertThat(match("GET", "/")).isInstanceOf(ApiRoutes.Match.NotFound.class);
    }

    @Test
    void onlyTheApiDescriptionAndSelfNeedNoAccount() {
        // GET /self authenticates the token it describes itself, never an account.
        assertThat(ApiRoutes.ALL.routes())
                .filteredOn(route -> !route.authenticated())
                .extracting(Route::template)
                .containsExactly("/openapi.yaml", "/self");
    }

    @Test
    void aTableWithTwoRoutesForOneMethodAndShapeIsRefused() {
        Route.Action nothing = (resources, exchange, principal) -> {};
        assertThatThrownBy(() -> new ApiRoutes(List.of(
                        ApiRoutes.route("GET", "/things/{id}", nothing),
                        ApiRoutes.route("GET", "/things/{name}", nothing))))
                .hasMessageContaining("GET /things/{}");
        assertThatThrownBy(() -> ApiRoutes.route("GET", "/Things", nothing)).hasMessageContaining("Things");
        assertThatThrownBy(() -> ApiRoutes.route("TRACE", "/things", nothing)).hasMessageContaining("TRACE");
    }
}
