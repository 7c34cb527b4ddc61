package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.HttpAnswer;
import dev.keycloaktwofactor.it.support.Json;
import dev.keycloaktwofactor.it.support.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ways to a confirmed phone or a session other than our pages: Keycloak's account API, with unmanaged attributes on;
 * the device grant (CIBA: {@link CibaIT}).
 */
class OtherGrantsIT {

    @Test
    void confirmationFlagsSentByAUserThroughTheAccountApiAreIgnoredAlsoWithUnmanagedAttributesEnabled() {
        TestRealm r = TestRealm.create("account-flags");
        ObjectNode profile = (ObjectNode) r.admin.ok(r.admin.get("/" + r.name + "/users/profile"));
        profile.put("unmanagedAttributePolicy", "ENABLED");
        r.admin.ok(r.admin.put("/" + r.name + "/users/profile", profile));
        String id = r.addUser("agent", "agent-pw");
        Browser b = r.browser();
        String token = r.exchange(r.signIn(b, "agent", "agent-pw")).get("access_token").asText();

        String number = "+14155550191";
        Map<String, Object> me = new LinkedHashMap<>();
        me.put("username", "agent");
        me.put("email", r.email("agent"));
        me.put("firstName", "agent");
        me.put("lastName", "Tester");
        me.put("attributes", Map.of("phoneNumber", List.of(number), "phoneNumberVerified", List.of("true"),
                "phoneNumberVerifiedBy", List.of("admin"), "phoneNumberVerifiedFor", List.of(number)));
        HttpAnswer update = AdminClient.send(HttpRequest.newBuilder(URI.create(r.kc.baseUrl() + "/realms/" + r.name + "/account/"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(me))).build());
        assertThat(update.status()).as(update.toString()).isIn(204, 400);

        // SMS switched on afterwards: the number must not count as confirmed
        r.admin.ok(r.putSettings(r.admin, Map.of("smsActivated", true)));
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "sms")));
        JsonNode state = r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users/" + id));
        assertThat(state.get("phoneVerified").asBoolean()).as(state.toString()).isFalse();
        JsonNode attributes = r.admin.ok(r.admin.get("/" + r.name + "/users/" + id)).path("attributes");
        assertThat(attributes.has("phoneNumberVerified")).as(attributes.toString()).isFalse();
        assertThat(attributes.has("phoneNumberVerifiedFor")).as(attributes.toString()).isFalse();
    }

    /**
     * The device grant signs the user in on another device's browser, through the realm's bound browser flow: the
     * second factor is asked there, and the polling device gets tokens only after it.
     */
    @Test
    void theDeviceGrantsUserPassesTheSecondFactorInTheBrowserBeforeTheDeviceGetsTokens() {
        TestRealm r = TestRealm.create("device-grant");
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email")));
        r.addUser("agent", "agent-pw");
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("clientId", "tv-app");
        client.put("publicClient", true);
        client.put("standardFlowEnabled", false);
        client.put("attributes", Map.of("oauth2.device.authorization.grant.enabled", "true"));
        HttpAnswer created = r.admin.post("/" + r.name + "/clients", client);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        HttpAnswer device = AdminClient.send(HttpRequest.newBuilder(URI.create(r.kc.baseUrl() + "/realms/" + r.name
                        + "/protocol/openid-connect/auth/device"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(AdminClient.formEncode(Map.of("client_id", "tv-app", "scope", "openid")))).build());
        assertThat(device.status()).as(device.toString()).isEqualTo(200);
        String deviceCode = device.json().get("device_code").asText();
        Map<String, String> poll = Map.of("grant_type", "urn:ietf:params:oauth:grant-type:device_code",
                "client_id", "tv-app", "device_code", deviceCode);

        Browser b = r.browser();
        Browser.Page login = b.open(device.json().get("verification_uri_complete").asText());
        assertThat(login.doc().selectFirst("form#kc-form-login")).as(login.toString()).isNotNull();
        Browser.Page codePage = b.submit(login, "form#kc-form-login", Map.of("username", "agent", "password", "agent-pw"));
        assertThat(codePage.doc().selectFirst(CodePage.FIELD)).as("the second factor is asked: " + codePage).isNotNull();
        HttpAnswer pending = AdminClient.tokenRequest(r.kc, r.name, poll);
        assertThat(pending.status()).as(pending.toString()).isEqualTo(400);
        assertThat(pending.json().path("error").asText()).isEqualTo("authorization_pending");

        Browser.Page after = CodePage.submitEmailedCode(b, codePage, r, "agent");
        // then, and only then, the device grant's consent page (its form carries a hidden session "code")
        assertThat(after.url().toString()).as(after.toString()).contains("execution=OAUTH_GRANT");
        after = b.submit(after, "form:has(input[type=hidden][name=code])", Map.of("accept", "Yes"));
        assertThat(after.status()).as(after.toString()).isEqualTo(200);
        // a device polls no faster than the interval it was given ("slow_down" otherwise)
        try {
            Thread.sleep(device.json().path("interval").asInt(5) * 1000L + 500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        HttpAnswer tokens = AdminClient.tokenRequest(r.kc, r.name, poll);
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        assertThat(tokens.json().path("access_token").asText()).isNotEmpty();
    }
}
