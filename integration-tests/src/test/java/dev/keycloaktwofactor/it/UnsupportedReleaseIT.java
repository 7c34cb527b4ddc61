package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.HttpAnswer;
import dev.keycloaktwofactor.it.support.KeycloakServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a Keycloak release outside 26.4–26.7 the JAR refuses clearly instead of half-working. Runs in its own failsafe
 * execution, on a server started with the JAR's test hook that makes it believe it is Keycloak 27.0.0.
 */
@Tag("unsupported-release")
class UnsupportedReleaseIT {

    private final KeycloakServer kc = KeycloakServer.get();
    private final AdminClient admin = AdminClient.master(kc);

    @Test
    void theStartLogsOneErrorNamingTheRunningAndTheSupportedVersions() {
        assertThat(KeycloakServer.PRETENDED_VERSION).as("this execution pretends a release").isEqualTo("27.0.0");
        List<String> ours = kc.logLines().stream()
                .filter(line -> line.contains(" ERROR ") || line.contains(" WARN "))
                .filter(line -> line.contains("twofactor") || line.contains("keycloaktwofactor"))
                .filter(line -> !line.contains("KC-SERVICES0047"))
                .toList();
        assertThat(ours).singleElement().satisfies(line -> assertThat(line)
                .contains(" ERROR ").contains("27.0.0").contains("26.4.x to 26.7.x"));
    }

    @Test
    void everyAdminCallAnswers503WithTheReasonNever500() {
        String realm = "twofactor-demo";
        String userId = admin.ok(admin.get("/" + realm + "/users?exact=true&username=agent")).get(0).get("id").asText();
        List<HttpAnswer> answers = List.of(
                admin.get("/" + realm + "/twofactor/settings"),
                admin.put("/" + realm + "/twofactor/settings", Map.of("method", "totp")),
                admin.post("/" + realm + "/twofactor/deauthorize", null),
                admin.get("/" + realm + "/twofactor/users/" + userId),
                admin.delete("/" + realm + "/twofactor/users/" + userId + "/totp"));
        for (HttpAnswer answer : answers) {
            assertThat(answer.status()).as(answer.toString()).isEqualTo(503);
            JsonNode body = answer.json();
            assertThat(body.get("error").asText()).contains("27.0.0").contains("26.4.x to 26.7.x");
            assertThat(body.get("code").asText()).isEqualTo("keycloak_version_unsupported");
        }
    }

    @Test
    void noLoginFlowIsChangedEvenForARealmImportedWithTwoFactorOn() {
        // realm-config/ arrives with method=email in its attributes; on a supported release start-up binds the flows
        JsonNode realm = admin.ok(admin.get("/twofactor-demo"));
        assertThat(realm.get("attributes").get("twofactor.method").asText()).isEqualTo("email");
        assertThat(realm.get("browserFlow").asText()).isEqualTo("browser");
        assertThat(realm.get("directGrantFlow").asText()).isEqualTo("direct grant");
        JsonNode flows = admin.ok(admin.get("/twofactor-demo/authentication/flows"));
        assertThat(flows).noneSatisfy(f -> assertThat(f.get("alias").asText()).contains("two-factor"));
    }
}
