package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.EmailCodes;
import dev.keycloaktwofactor.it.support.HttpAnswer;
import dev.keycloaktwofactor.it.support.KeycloakServer;
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
            // without the realm's default roles a user's token has no account audience: the account console fails
            JsonNode roles = admin.ok(admin.get("/twofactor-demo/users/" + users.get(0).get("id").asText()
                    + "/role-mappings/realm"));
            assertThat(roles).as(username).anySatisfy(r -> assertThat(r.get("name").asText())
                    .isEqualTo("default-roles-twofactor-demo"));
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

    @Test
    void theDemoAgentSignsInToTheAccountConsoleWithAnEmailedCode() throws Exception {
        // the export points at run-demo.sh's mail catcher on port 1025; here the suite's catcher takes the mail
        admin.ok(admin.put("/twofactor-demo", java.util.Map.of("smtpServer", java.util.Map.of("host", "127.0.0.1",
                "port", String.valueOf(kc.mail().smtpPort()), "from", "keycloak@twofactor-demo.test"))));
        String redirect = kc.baseUrl() + "/realms/twofactor-demo/account/";
        String verifier = "demo-verifier-" + "x".repeat(40);
        String challenge = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.security.MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        String authUrl = kc.baseUrl() + "/realms/twofactor-demo/protocol/openid-connect/auth?client_id=account-console"
                + "&response_type=code&scope=openid&code_challenge_method=S256&code_challenge=" + challenge
                + "&redirect_uri=" + java.net.URLEncoder.encode(redirect, java.nio.charset.StandardCharsets.UTF_8);
        Browser b = new Browser(redirect);
        Browser.Page login = b.open(authUrl);
        Browser.Page codePage = b.submit(login, "form#kc-form-login", java.util.Map.of("username", "agent", "password", "agent"));
        assertThat(codePage.doc().selectFirst(CodePage.FIELD)).as(codePage.toString()).isNotNull();
        assertThat(codePage.doc().text()).contains("@twofactor-demo.test").doesNotContain("agent@twofactor-demo.test");
        String code = EmailCodes.code(kc.mail().awaitMessageTo("agent@twofactor-demo.test", java.time.Duration.ofSeconds(20)));
        Browser.Page done = CodePage.submit(b, codePage, code);
        assertThat(done.isRedirectToClient()).as(done.toString()).isTrue();
        assertThat(done.queryParam("code")).isNotBlank();
    }
}
