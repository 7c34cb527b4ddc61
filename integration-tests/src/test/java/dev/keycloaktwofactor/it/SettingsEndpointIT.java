package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.HttpAnswer;
import dev.keycloaktwofactor.it.support.Json;
import dev.keycloaktwofactor.it.support.KeycloakServer;
import dev.keycloaktwofactor.it.support.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@code GET|PUT /admin/realms/{realm}/twofactor/settings}: defaults, validation, persistence and roles. */
class SettingsEndpointIT {

    private static TestRealm realm;
    private static AdminClient master;

    @BeforeAll
    static void realm() {
        realm = TestRealm.create("settings");
        master = realm.admin;
    }

    private static String path() {
        return "/" + realm.name + "/twofactor/settings";
    }

    @Test
    @Tag("smoke")
    void freshRealmAnswersTheDocumentedDefaults() {
        TestRealm fresh = TestRealm.create("defaults");
        JsonNode s = fresh.settings();
        assertThat(s.get("method").asText()).isEqualTo("none");
        assertThat(s.get("codeLength").asInt()).isEqualTo(6);
        assertThat(s.get("codeTtlSeconds").asInt()).isEqualTo(300);
        assertThat(s.get("resendCooldownSeconds").asInt()).isEqualTo(30);
        assertThat(s.get("maxResends").asInt()).isEqualTo(5);
        assertThat(s.get("maxCodeAttempts").asInt()).isEqualTo(5);
        assertThat(s.get("lockoutSeconds").asInt()).isEqualTo(900);
        assertThat(s.get("allowAppOptIn").asBoolean()).isTrue();
        assertThat(s.get("ipAllowlist").isArray()).isTrue();
        assertThat(s.get("ipAllowlist")).isEmpty();
        assertThat(s.get("smsActivated").asBoolean()).isFalse();
        assertThat(s.get("smsAvailable").asBoolean()).isFalse();
        assertThat(s.get("firstEnabledAt").isNull()).isTrue();
    }

    @Test
    @Tag("smoke")
    void savedValuesAreAnsweredAndPersisted() {
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("codeLength", 8);
        change.put("codeTtlSeconds", 120);
        change.put("resendCooldownSeconds", 45);
        change.put("maxResends", 3);
        change.put("maxCodeAttempts", 4);
        change.put("lockoutSeconds", 3600);
        change.put("allowAppOptIn", false);
        change.put("ipAllowlist", List.of("127.0.0.0/8", "::1/128", "2001:db8::/32"));
        JsonNode answer = master.ok(realm.putSettings(master, change));
        JsonNode stored = realm.settings();
        for (JsonNode s : List.of(answer, stored)) {
            assertThat(s.get("codeLength").asInt()).isEqualTo(8);
            assertThat(s.get("codeTtlSeconds").asInt()).isEqualTo(120);
            assertThat(s.get("resendCooldownSeconds").asInt()).isEqualTo(45);
            assertThat(s.get("maxResends").asInt()).isEqualTo(3);
            assertThat(s.get("maxCodeAttempts").asInt()).isEqualTo(4);
            assertThat(s.get("lockoutSeconds").asInt()).isEqualTo(3600);
            assertThat(s.get("allowAppOptIn").asBoolean()).isFalse();
            assertThat(s.get("ipAllowlist")).extracting(JsonNode::asText)
                    .containsExactly("127.0.0.0/8", "::1/128", "2001:db8::/32");
        }
        // a GET answer sent back unchanged is a valid PUT (read-only fields included)
        assertThat(realm.putSettings(master, Json.MAPPER.convertValue(stored, Map.class)).status()).isEqualTo(200);
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> badBodies() {
        return Stream.of(
                arguments("{\"codeLength\": 5}", "codeLength"),
                arguments("{\"codeLength\": 11}", "codeLength"),
                arguments("{\"codeLength\": \"6\"}", "codeLength"),
                arguments("{\"codeLength\": 6.5}", "codeLength"),
                arguments("{\"codeTtlSeconds\": 59}", "codeTtlSeconds"),
                arguments("{\"codeTtlSeconds\": 601}", "codeTtlSeconds"),
                arguments("{\"resendCooldownSeconds\": 0}", "resendCooldownSeconds"),
                arguments("{\"resendCooldownSeconds\": 3601}", "resendCooldownSeconds"),
                arguments("{\"maxResends\": -1}", "maxResends"),
                arguments("{\"maxCodeAttempts\": 0}", "maxCodeAttempts"),
                arguments("{\"maxCodeAttempts\": 11}", "maxCodeAttempts"),
                arguments("{\"lockoutSeconds\": 59}", "lockoutSeconds"),
                arguments("{\"lockoutSeconds\": 86401}", "lockoutSeconds"),
                arguments("{\"lockoutSeconds\": \"900\"}", "lockoutSeconds"),
                arguments("{\"method\": \"voice\"}", "method"),
                arguments("{\"method\": 1}", "method"),
                arguments("{\"allowAppOptIn\": \"yes\"}", "allowAppOptIn"),
                arguments("{\"ipAllowlist\": \"10.0.0.0/8\"}", "ipAllowlist"),
                arguments("{\"ipAllowlist\": [\"300.1.1.1/8\"]}", "ipAllowlist"),
                arguments("{\"ipAllowlist\": [\"10.0.0.0/33\"]}", "ipAllowlist"),
                arguments("{\"ipAllowlist\": [\"2001:db8::/129\"]}", "ipAllowlist"),
                arguments("{\"ipAllowlist\": [\"intranet.example.com\"]}", "ipAllowlist"),
                arguments("{\"ipAllowlist\": [42]}", "ipAllowlist"),
                arguments("{\"method\": \"email\", \"colour\": \"red\"}", "colour"),
                arguments("{\"method\": \"email\", \"codeLength\": 4}", "codeLength"));
    }

    @ParameterizedTest(name = "{0} is refused naming {1}")
    @MethodSource("badBodies")
    void badValuesAreRefusedWith400NamingTheFieldAndStoreNothing(String body, String field) {
        JsonNode before = realm.settings();
        HttpAnswer answer = rawPut(master, body);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("field").asText()).isEqualTo(field);
        assertThat(answer.json().get("error").asText()).isNotBlank().doesNotContain("Exception");
        assertThat(realm.settings()).isEqualTo(before);
    }

    @ParameterizedTest(name = "body {0} is refused")
    @MethodSource("notObjects")
    void malformedBodiesAreRefusedWith400(String body) {
        JsonNode before = realm.settings();
        HttpAnswer answer = rawPut(master, body);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").asText()).isNotBlank().doesNotContain("Exception");
        assertThat(realm.settings()).isEqualTo(before);
    }

    static Stream<String> notObjects() {
        return Stream.of("", "{", "[]", "\"email\"", "null", "{\"method\": \"email\",}");
    }

    @Test
    @Tag("smoke")
    void readingNeedsViewRealmAndWritingNeedsManageRealm() {
        String viewerId = realm.addUser("viewer", "viewer-pw");
        grantRealmManagementRole(viewerId, "view-realm");
        String nobodyId = realm.addUser("nobody", "nobody-pw");
        String managerId = realm.addUser("manager", "manager-pw");
        grantRealmManagementRole(managerId, "manage-realm");

        HttpAnswer anonymous = AdminClient.send(HttpRequest.newBuilder(URI.create(realm.kc.baseUrl() + "/admin/realms" + path())).GET().build());
        assertThat(anonymous.status()).isEqualTo(401);

        AdminClient nobody = AdminClient.passwordGrant(realm.kc, realm.name, "nobody", "nobody-pw");
        assertThat(nobody.get(path()).status()).isEqualTo(403);
        assertThat(nobody.put(path(), Map.of("codeLength", 7)).status()).isEqualTo(403);

        AdminClient viewer = AdminClient.passwordGrant(realm.kc, realm.name, "viewer", "viewer-pw");
        assertThat(viewer.get(path()).status()).isEqualTo(200);
        assertThat(viewer.put(path(), Map.of("codeLength", 7)).status()).isEqualTo(403);
        assertThat(realm.settings().get("codeLength").asInt()).isNotEqualTo(7);

        AdminClient manager = AdminClient.passwordGrant(realm.kc, realm.name, "manager", "manager-pw");
        assertThat(manager.put(path(), Map.of("codeLength", 7)).status()).isEqualTo(200);
        assertThat(realm.settings().get("codeLength").asInt()).isEqualTo(7);
        assertThat(nobodyId).isNotBlank();
    }

    /**
     * {@code GET .../twofactor/readiness} counts the realm's users and which of them lack an email address or a
     * confirmed number: view-realm of that very realm, as the settings. An ordinary user of the realm and the admin
     * of another realm (a token of that realm, valid there) are refused and get no count.
     */
    @Test
    void theReadinessCountNeedsViewRealmOfThatRealm() {
        TestRealm target = TestRealm.create("readiness-target");
        target.makeRealmAdmin(target.addUser("boss", "boss-pw"));
        target.addUser("agent", "agent-pw");
        String readiness = "/" + target.name + "/twofactor/readiness?method=email";

        AdminClient boss = AdminClient.passwordGrant(target.kc, target.name, "boss", "boss-pw");
        HttpAnswer own = boss.get(readiness);
        assertThat(own.status()).as(own.toString()).isEqualTo(200);
        assertThat(own.json().get("method").asText()).isEqualTo("email");
        assertThat(own.json().get("users").asInt()).isEqualTo(2);
        assertThat(own.json().get("notReady").asInt()).isZero();

        AdminClient agent = AdminClient.passwordGrant(target.kc, target.name, "agent", "agent-pw");
        assertRefusedWithoutCounts(agent.get(readiness), "an ordinary user of the realm");

        TestRealm other = TestRealm.create("readiness-other");
        other.makeRealmAdmin(other.addUser("boss", "boss-pw"));
        AdminClient otherBoss = AdminClient.passwordGrant(other.kc, other.name, "boss", "boss-pw");
        assertThat(otherBoss.get("/" + other.name + "/twofactor/readiness?method=email").status())
                .as("the other admin's token is good in its own realm").isEqualTo(200);
        assertRefusedWithoutCounts(otherBoss.get(readiness), "another realm's admin");
    }

    private static void assertRefusedWithoutCounts(HttpAnswer answer, String who) {
        assertThat(answer.status()).as(who + ": " + answer).isEqualTo(403);
        assertThat(answer.body()).as(who + " learns no count").doesNotContain("notReady").doesNotContain("\"users\"");
    }

    @Test
    void onlyAMasterRealmAdminActivatesSmsAndSmsMethodNeedsIt() {
        TestRealm r = TestRealm.create("sms-activation");
        String localAdminId = r.addUser("local-admin", "local-admin-pw");
        r.makeRealmAdmin(localAdminId);
        AdminClient localAdmin = AdminClient.passwordGrant(r.kc, r.name, "local-admin", "local-admin-pw");

        HttpAnswer smsWhileUnavailable = r.putSettings(localAdmin, Map.of("method", "sms"));
        assertThat(smsWhileUnavailable.status()).isEqualTo(400);
        assertThat(smsWhileUnavailable.json().get("field").asText()).isEqualTo("method");

        HttpAnswer byRealmAdmin = r.putSettings(localAdmin, Map.of("smsActivated", true));
        assertThat(byRealmAdmin.status()).isEqualTo(400);
        assertThat(byRealmAdmin.json().get("field").asText()).isEqualTo("smsActivated");
        assertThat(r.settings().get("smsActivated").asBoolean()).isFalse();

        // the suite's server has a configured gateway (Twilio, to the stub), so activation makes SMS available
        JsonNode activated = r.admin.ok(r.putSettings(r.admin, Map.of("smsActivated", true)));
        assertThat(activated.get("smsActivated").asBoolean()).isTrue();
        assertThat(activated.get("smsAvailable").asBoolean()).isTrue();
        // the realm admin may now pick SMS, but still not deactivate it
        assertThat(r.putSettings(localAdmin, Map.of("codeLength", 6)).status()).isEqualTo(200);
        assertThat(r.putSettings(localAdmin, Map.of("smsActivated", false)).status()).isEqualTo(400);
    }

    @Test
    void everyChangeIsAnAdminEvent() {
        TestRealm r = TestRealm.create("events");
        r.admin.ok(r.admin.put("/" + r.name, Map.of("adminEventsEnabled", true, "adminEventsDetailsEnabled", true)));
        r.admin.ok(r.putSettings(r.admin, Map.of("codeLength", 9)));

        JsonNode events = r.admin.ok(r.admin.get("/" + r.name + "/admin-events?operationTypes=UPDATE&resourceTypes=REALM"));
        assertThat(events).anySatisfy(e -> {
            assertThat(e.get("resourcePath").asText()).isEqualTo("twofactor/settings");
            assertThat(e.at("/authDetails/realmId").asText()).isNotBlank();
            assertThat(e.get("representation").asText()).contains("\"codeLength\":9");
        });
    }

    @Test
    void everyUserCallAndDeauthorizeIsAnAdminEventSayingWhoDidWhatToWhom() {
        TestRealm r = TestRealm.create("events-users");
        r.admin.ok(r.admin.put("/" + r.name, Map.of("adminEventsEnabled", true, "adminEventsDetailsEnabled", true)));
        String id = r.addUser("agent", "agent-pw");
        String base = "/" + r.name + "/twofactor/users/" + id;
        r.admin.ok(r.admin.put(base + "/phone", Map.of("phoneNumber", "+14155550199")));
        r.admin.ok(r.admin.post(base + "/phone/confirm", null));
        assertThat(r.admin.delete(base + "/phone").status()).isEqualTo(204);
        assertThat(r.admin.delete(base + "/totp").status()).isEqualTo(204);
        r.admin.ok(r.admin.post("/" + r.name + "/twofactor/deauthorize", null));

        String adminId = master.ok(master.get("/master/users?exact=true&username=" + KeycloakServer.ADMIN_USER)).get(0).get("id").asText();
        JsonNode events = r.admin.ok(r.admin.get("/" + r.name + "/admin-events?max=100"));
        assertThat(events).allSatisfy(e -> {
            assertThat(e.at("/authDetails/userId").asText()).as("who").isEqualTo(adminId);
            assertThat(e.get("time").asLong()).as("when").isPositive();
        });
        assertThat(events).extracting(e -> e.get("operationType").asText() + " " + e.get("resourceType").asText() + " "
                        + e.get("resourcePath").asText())
                .contains("UPDATE USER users/" + id + "/phone",
                        "ACTION USER users/" + id + "/phone/confirm",
                        "DELETE USER users/" + id + "/phone",
                        "DELETE USER users/" + id + "/totp",
                        "ACTION REALM twofactor/deauthorize");
        assertThat(events.toString()).as("no full phone number in any event").doesNotContain("4155550199");
    }

    private void grantRealmManagementRole(String userId, String role) {
        JsonNode clients = master.ok(master.get("/" + realm.name + "/clients?clientId=realm-management"));
        String rm = clients.get(0).get("id").asText();
        JsonNode r = master.ok(master.get("/" + realm.name + "/clients/" + rm + "/roles/" + role));
        master.ok(master.post("/" + realm.name + "/users/" + userId + "/role-mappings/clients/" + rm, List.of(r)));
    }

    private static HttpAnswer rawPut(AdminClient as, String body) {
        return AdminClient.send(HttpRequest.newBuilder(URI.create(realm.kc.baseUrl() + "/admin/realms" + path()))
                .header("Authorization", "Bearer " + as.token()).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }
}
