package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.HttpAnswer;
import dev.keycloaktwofactor.it.support.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Logging everybody out but the admin: once on the first enablement, and on demand. */
class DeauthorizeIT {

    private record Signed(String access, String refresh) {
    }

    private static Signed signInDirect(TestRealm r, String user, String password, boolean offline) {
        HttpAnswer answer = AdminClient.tokenRequest(r.kc, r.name, Map.of("grant_type", "password",
                "client_id", TestRealm.CLIENT_ID, "username", user, "password", password,
                "scope", offline ? "openid offline_access" : "openid"));
        JsonNode json = r.admin.ok(answer);
        return new Signed(json.get("access_token").asText(), json.get("refresh_token").asText());
    }

    private static void assertLoggedOut(TestRealm r, Signed s) {
        assertThat(r.userinfo(s.access()).status()).as("access token dead").isEqualTo(401);
        assertThat(r.refresh(s.refresh()).status()).as("refresh token dead").isEqualTo(400);
    }

    private static void assertStillSignedIn(TestRealm r, Signed s) {
        assertThat(r.userinfo(s.access()).status()).isEqualTo(200);
    }

    @Test
    @Tag("smoke")
    void theFirstEnablementLogsOutEveryoneButTheSavingAdminOnceInTheRealmsLife() {
        TestRealm r = TestRealm.create("first-enable");
        r.addUser("agent", "agent-pw");
        String employeeId = r.addUser("employee", "employee-pw");
        r.makeRealmAdmin(r.addUser("boss", "boss-pw"));
        Signed agent = signInDirect(r, "agent", "agent-pw", false);
        Signed employeeOffline = signInDirect(r, "employee", "employee-pw", true);
        Signed bossOther = signInDirect(r, "boss", "boss-pw", false);
        AdminClient boss = AdminClient.passwordGrant(r.kc, r.name, "boss", "boss-pw");
        String clientUuid = r.admin.ok(r.admin.get("/" + r.name + "/clients?clientId=" + TestRealm.CLIENT_ID)).get(0).get("id").asText();
        assertThat(r.admin.ok(r.admin.get("/" + r.name + "/users/" + employeeId + "/offline-sessions/" + clientUuid))).isNotEmpty();

        JsonNode saved = boss.ok(r.putSettings(boss, Map.of("method", "totp")));

        assertThat(saved.get("deauthorized").asInt()).isEqualTo(2);
        assertThat(saved.get("firstEnabledAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertLoggedOut(r, agent);
        assertLoggedOut(r, employeeOffline);
        assertThat(r.admin.ok(r.admin.get("/" + r.name + "/users/" + employeeId + "/offline-sessions/" + clientUuid))).isEmpty();
        assertThat(r.admin.ok(r.admin.get("/" + r.name + "/users/" + employeeId + "/sessions"))).isEmpty();
        // the admin who saved keeps all of their sessions
        assertThat(boss.get("/" + r.name + "/twofactor/settings").status()).isEqualTo(200);
        assertStillSignedIn(r, bossOther);
        assertThat(r.refresh(bossOther.refresh()).status()).isEqualTo(200);

        // off and on again later: nobody is logged out
        boss.ok(r.putSettings(boss, Map.of("method", "none")));
        Signed agentAgain = signInDirect(r, "agent", "agent-pw", false);
        JsonNode again = boss.ok(r.putSettings(boss, Map.of("method", "totp")));
        assertThat(again.has("deauthorized")).isFalse();
        assertThat(again.get("firstEnabledAt").asText()).isEqualTo(saved.get("firstEnabledAt").asText());
        assertStillSignedIn(r, agentAgain);
        assertThat(r.refresh(agentAgain.refresh()).status()).isEqualTo(200);
    }

    @Test
    void settingsOtherThanTheMethodDoNotCountAsEnablement() {
        TestRealm r = TestRealm.create("no-enable");
        r.addUser("agent", "agent-pw");
        Signed agent = signInDirect(r, "agent", "agent-pw", false);
        JsonNode saved = r.admin.ok(r.putSettings(r.admin, Map.of("codeLength", 8, "method", "none")));
        assertThat(saved.has("deauthorized")).isFalse();
        assertThat(saved.get("firstEnabledAt").isNull()).isTrue();
        assertStillSignedIn(r, agent);
    }

    @Test
    @Tag("smoke")
    void theDeauthorizeActionLogsOutEveryUserButTheCaller() {
        TestRealm r = TestRealm.create("deauthorize");
        r.addUser("agent", "agent-pw");
        r.addUser("employee", "employee-pw");
        r.makeRealmAdmin(r.addUser("boss", "boss-pw"));
        Signed agent = signInDirect(r, "agent", "agent-pw", false);
        Signed employee = signInDirect(r, "employee", "employee-pw", true);
        Signed bossOther = signInDirect(r, "boss", "boss-pw", false);
        AdminClient boss = AdminClient.passwordGrant(r.kc, r.name, "boss", "boss-pw");

        HttpAnswer answer = boss.post("/" + r.name + "/twofactor/deauthorize", null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("message").asText()).isEqualTo("Users have been successfully deauthorized");
        assertThat(answer.json().get("deauthorized").asInt()).isEqualTo(2);
        assertLoggedOut(r, agent);
        assertLoggedOut(r, employee);
        assertStillSignedIn(r, bossOther);
        assertThat(boss.get("/" + r.name + "/twofactor/settings").status()).isEqualTo(200);
    }

    @Test
    void aMasterAdminDeauthorizesEveryUserOfTheRealm() {
        TestRealm r = TestRealm.create("deauthorize-master");
        r.makeRealmAdmin(r.addUser("boss", "boss-pw"));
        Signed boss = signInDirect(r, "boss", "boss-pw", false);
        JsonNode answer = r.admin.ok(r.admin.post("/" + r.name + "/twofactor/deauthorize", null));
        assertThat(answer.get("deauthorized").asInt()).isEqualTo(1);
        assertLoggedOut(r, boss);
    }

    @Test
    void deauthorizingNeedsTheRightToManageUsers() {
        TestRealm r = TestRealm.create("deauthorize-roles");
        r.addUser("agent", "agent-pw");
        Signed agent = signInDirect(r, "agent", "agent-pw", false);
        AdminClient plain = new AdminClient(r.kc.baseUrl(), agent.access());
        assertThat(plain.post("/" + r.name + "/twofactor/deauthorize", null).status()).isEqualTo(403);
        assertStillSignedIn(r, agent);
    }
}
