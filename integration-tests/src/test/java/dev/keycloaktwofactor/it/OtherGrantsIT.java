package dev.keycloaktwofactor.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Ways to a confirmed phone or a session other than our pages: Keycloak's account API, with unmanaged attributes on. */
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
}
