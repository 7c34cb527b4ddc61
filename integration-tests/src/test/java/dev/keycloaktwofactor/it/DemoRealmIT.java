package dev.keycloaktwofactor.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** realm-config/ imports into a stock Keycloak with --import-realm and is enforced from the first start. */
class DemoRealmIT {

    private final KeycloakServer kc = KeycloakServer.get();
    private final AdminClient admin = AdminClient.master(kc);

    @Test
    void theDemoRealmIsImportedWithItsUsersAndItsPolicyBound() {
        JsonNode realm = admin.ok(admin.get("/twofactor-demo"));
        assertThat(realm.get("browserFlow").asText()).isEqualTo("browser with two-factor");
        assertThat(realm.get("directGrantFlow").asText()).isEqualTo("direct grant with two-factor");

        JsonNode settings = admin.ok(admin.get("/twofactor-demo/twofactor/settings"));
        assertThat(settings.get("method").asText()).isEqualTo("email");
        assertThat(settings.get("firstEnabledAt").isNull()).isFalse();

        for (String username : new String[] {"realm-admin", "agent", "employee"}) {
            JsonNode users = admin.ok(admin.get("/twofactor-demo/users?exact=true&username=" + username));
            assertThat(users).hasSize(1);
            assertThat(users.get(0).get("email").asText()).endsWith("@twofactor-demo.test");
        }
        String realmAdminId = admin.ok(admin.get("/twofactor-demo/users?exact=true&username=realm-admin")).get(0).get("id").asText();
        String rm = admin.ok(admin.get("/twofactor-demo/clients?clientId=realm-management")).get(0).get("id").asText();
        JsonNode roles = admin.ok(admin.get("/twofactor-demo/users/" + realmAdminId + "/role-mappings/clients/" + rm));
        assertThat(roles).anySatisfy(r -> assertThat(r.get("name").asText()).isEqualTo("realm-admin"));
    }

    @Test
    void passwordAloneGetsNoTokenInTheDemoRealm() {
        HttpAnswer answer = AdminClient.tokenRequest(kc, "twofactor-demo", java.util.Map.of("grant_type", "password",
                "client_id", "admin-cli", "username", "agent", "password", "agent"));
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").asText()).isEqualTo("invalid_grant");
    }
}
