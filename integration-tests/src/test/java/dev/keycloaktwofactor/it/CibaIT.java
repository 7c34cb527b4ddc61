package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.CibaChannelStub;
import dev.keycloaktwofactor.it.support.ExtraServerOptions;
import dev.keycloaktwofactor.it.support.HttpAnswer;
import dev.keycloaktwofactor.it.support.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CIBA (client-initiated backchannel authentication) signs a user in without the browser flow: the application asks
 * Keycloak, Keycloak asks the user's device through its authentication channel ({@link CibaChannelStub}), the device
 * approves through Keycloak's callback, and the application polls the token endpoint. Under the realm's 2FA policy
 * that would be a sign-in without a second factor: it is refused with an OAuth error and leaves no user session.
 */
class CibaIT {

    private static final String CIBA_GRANT = "urn:openid:params:grant-type:ciba";
    private static final String CLIENT = "ciba-app";
    private static final String SECRET = "ciba-app-secret-not-a-secret";

    @Test
    void cibaYieldsTokensWithout2faButIsRefusedWithAnOAuthErrorAndNoSessionUnderThePolicy() {
        TestRealm r = TestRealm.create("ciba");
        addCibaClient(r);
        String okId = r.addUser("agent", "agent-pw");
        String lateId = r.addUser("late", "late-pw");
        String lockedId = r.addUser("locked", "locked-pw");
        r.addUser("gap", "gap-pw");
        CibaChannelStub device = ExtraServerOptions.ciba();

        // method=none: CIBA works end to end (so this test can fail)
        String okReq = ask(r, "agent").json().get("auth_req_id").asText();
        approve(r, device, "agent");
        HttpAnswer tokens = poll(r, okReq);
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        assertThat(tokens.json().path("access_token").asText()).isNotEmpty();
        assertThat(sessions(r, okId)).hasSize(1);

        // a request started and approved while 2FA is off, whose tokens are fetched after it is on
        String lateReq = ask(r, "late").json().get("auth_req_id").asText();
        approve(r, device, "late");

        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email")));

        HttpAnswer refused = ask(r, "locked");
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().path("error").asText()).isEqualTo("access_denied");
        assertThat(refused.json().path("error_description").asText()).contains("browser");
        assertThat(device.askedFor("locked")).as("the user's device is not even asked").isEmpty();
        assertThat(sessions(r, lockedId)).isEmpty();

        HttpAnswer lateTokens = poll(r, lateReq);
        assertThat(lateTokens.status()).as(lateTokens.toString()).isEqualTo(400);
        assertThat(lateTokens.json().path("error").asText()).isEqualTo("invalid_grant");
        assertThat(lateTokens.json().has("access_token")).isFalse();
        assertThat(sessions(r, lateId)).isEmpty();

        // our client policy is back when an admin removed it (Keycloak's realm update re-asserts it)
        r.admin.ok(r.admin.put("/" + r.name + "/client-policies/policies", Map.of("policies", List.of())));
        assertThat(ask(r, "gap").status()).as("without the policy (until the next realm write) CIBA is open").isEqualTo(200);
        r.admin.ok(r.admin.put("/" + r.name, Map.of("displayName", "CIBA realm")));
        HttpAnswer again = ask(r, "locked");
        assertThat(again.status()).as(again.toString()).isEqualTo(400);
        assertThat(again.json().path("error").asText()).isEqualTo("access_denied");
        assertThat(device.askedFor("locked")).isEmpty();
    }

    private static void addCibaClient(TestRealm r) {
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("clientId", CLIENT);
        client.put("publicClient", false);
        client.put("secret", SECRET);
        client.put("standardFlowEnabled", false);
        client.put("directAccessGrantsEnabled", false);
        client.put("attributes", Map.of("oidc.ciba.grant.enabled", "true"));
        HttpAnswer created = r.admin.post("/" + r.name + "/clients", client);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    /** The application's backchannel authentication request for {@code username}. */
    private static HttpAnswer ask(TestRealm r, String username) {
        return AdminClient.send(HttpRequest.newBuilder(URI.create(r.kc.baseUrl() + "/realms/" + r.name
                        + "/protocol/openid-connect/ext/ciba/auth"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(AdminClient.formEncode(Map.of("client_id", CLIENT,
                        "client_secret", SECRET, "scope", "openid", "login_hint", username)))).build());
    }

    /** The user's device says yes through Keycloak's callback, with the token Keycloak's request carried. */
    private static void approve(TestRealm r, CibaChannelStub device, String username) {
        List<CibaChannelStub.Asked> asked = device.askedFor(username);
        assertThat(asked).as("Keycloak asked " + username + "'s device").isNotEmpty();
        HttpAnswer callback = AdminClient.send(HttpRequest.newBuilder(URI.create(r.kc.baseUrl() + "/realms/" + r.name
                        + "/protocol/openid-connect/ext/ciba/auth/callback"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + asked.get(asked.size() - 1).bearer())
                .POST(HttpRequest.BodyPublishers.ofString("{\"status\":\"SUCCEED\"}")).build());
        assertThat(callback.status()).as(callback.toString()).isIn(200, 204);
    }

    private static HttpAnswer poll(TestRealm r, String authReqId) {
        return AdminClient.tokenRequest(r.kc, r.name, Map.of("grant_type", CIBA_GRANT, "auth_req_id", authReqId,
                "client_id", CLIENT, "client_secret", SECRET));
    }

    private static List<JsonNode> sessions(TestRealm r, String userId) {
        JsonNode list = r.admin.ok(r.admin.get("/" + r.name + "/users/" + userId + "/sessions"));
        List<JsonNode> out = new java.util.ArrayList<>();
        list.forEach(out::add);
        return out;
    }
}
