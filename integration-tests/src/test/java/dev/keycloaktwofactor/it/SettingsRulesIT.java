package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.HttpAnswer;
import dev.keycloaktwofactor.it.support.KeycloakServer;
import dev.keycloaktwofactor.it.support.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Security settings hold on every path that writes a realm, not only our endpoint: Keycloak's own realm update
 * ({@code PUT /admin/realms/{realm}}, which writes any realm attribute) and realm creation with the attributes in
 * the representation (as an import does).
 */
class SettingsRulesIT {

    private static final String BOUND_BROWSER = "browser with two-factor";
    private static final String BOUND_DIRECT_GRANT = "direct grant with two-factor";

    private static HttpAnswer updateAttributes(AdminClient as, TestRealm r, Map<String, String> attributes) {
        return as.put("/" + r.name, Map.of("attributes", attributes));
    }

    private static AdminClient realmAdmin(TestRealm r) {
        String id = r.addUser("local-admin", "local-admin-pw");
        r.makeRealmAdmin(id);
        return AdminClient.passwordGrant(r.kc, r.name, "local-admin", "local-admin-pw");
    }

    private static long warnings(TestRealm r) {
        return r.kc.logLines().stream()
                .filter(l -> l.contains("WARN") && l.contains("Realm '" + r.name + "': the stored two-factor setting"))
                .count();
    }

    @Test
    void aRealmAdminCannotActivateSmsOrStoreABogusMethodThroughKeycloaksRealmUpdate() {
        TestRealm r = TestRealm.create("rules-realm-update");
        AdminClient localAdmin = realmAdmin(r);

        HttpAnswer update = updateAttributes(localAdmin, r, Map.of(
                "twofactor.smsActivated", "true", "twofactor.method", "bogus", "twofactor.codeLength", "4"));
        assertThat(update.status()).as("Keycloak's realm update itself answers as usual").isEqualTo(204);

        JsonNode settings = r.settings();
        assertThat(settings.get("smsActivated").asBoolean()).isFalse();
        assertThat(settings.get("smsAvailable").asBoolean()).isFalse();
        assertThat(settings.get("method").asText()).isEqualTo("none");
        assertThat(settings.get("codeLength").asInt()).isEqualTo(6);
        JsonNode attributes = r.admin.ok(r.admin.get("/" + r.name)).get("attributes");
        assertThat(attributes.path("twofactor.smsActivated").asText()).as("the realm admin's value is undone").isEqualTo("false");
        assertThat(attributes.path("twofactor.method").asText()).isEqualTo("none");
        assertThat(warnings(r)).as("one warning for the one write").isEqualTo(1);

        // and SMS cannot be chosen through this path either: it is not activated
        assertThat(updateAttributes(localAdmin, r, Map.of("twofactor.method", "sms")).status()).isEqualTo(204);
        assertThat(r.settings().get("method").asText()).isEqualTo("none");
    }

    @Test
    void aValidMethodChangeThroughTheRealmUpdateBindsTheFlowsAndAnInvalidOneKeepsIt() {
        TestRealm r = TestRealm.create("rules-bind");
        AdminClient localAdmin = realmAdmin(r);
        r.addUser("agent", "agent-pw");

        assertThat(updateAttributes(localAdmin, r, Map.of("twofactor.method", "email")).status()).isEqualTo(204);
        JsonNode realm = r.admin.ok(r.admin.get("/" + r.name));
        assertThat(realm.get("browserFlow").asText()).isEqualTo(BOUND_BROWSER);
        assertThat(realm.get("directGrantFlow").asText()).isEqualTo(BOUND_DIRECT_GRANT);
        JsonNode settings = r.settings();
        assertThat(settings.get("method").asText()).isEqualTo("email");
        assertThat(settings.get("firstEnabledAt").isNull()).as("a first enablement, as a save records it").isFalse();

        Browser.Page next = r.signIn(r.browser(), "agent", "agent-pw");
        assertThat(next.doc().selectFirst(CodePage.FIELD)).as("asked for the emailed code: " + next).isNotNull();
        assertThat(r.directGrant("agent", "agent-pw").status()).as("the direct grant refuses too").isEqualTo(400);

        // the realm admin who wrote it is still signed in (a save logs out everyone but the caller)
        assertThat(updateAttributes(localAdmin, r, Map.of("twofactor.method", "bogus", "twofactor.ipAllowlist", "10.0.0.0/33")).status())
                .isEqualTo(204);
        settings = r.settings();
        assertThat(settings.get("method").asText()).as("the last valid method stays").isEqualTo("email");
        assertThat(settings.get("ipAllowlist")).isEmpty();
        assertThat(r.admin.ok(r.admin.get("/" + r.name)).get("browserFlow").asText()).isEqualTo(BOUND_BROWSER);

        // turning it off the same way binds the original flows again
        assertThat(updateAttributes(localAdmin, r, Map.of("twofactor.method", "none")).status()).isEqualTo(204);
        assertThat(r.admin.ok(r.admin.get("/" + r.name)).get("browserFlow").asText()).isEqualTo("browser");
    }

    @Test
    void aMasterRealmAdminMayActivateSmsThroughTheRealmUpdate() {
        TestRealm r = TestRealm.create("rules-master");
        assertThat(updateAttributes(r.admin, r, Map.of("twofactor.smsActivated", "true")).status()).isEqualTo(204);
        JsonNode settings = r.settings();
        assertThat(settings.get("smsActivated").asBoolean()).isTrue();
        assertThat(settings.get("smsAvailable").asBoolean()).isTrue();

        // a realm admin's copy of the realm sent back with "false" does not switch it off
        AdminClient localAdmin = realmAdmin(r);
        assertThat(updateAttributes(localAdmin, r, Map.of("twofactor.smsActivated", "false")).status()).isEqualTo(204);
        assertThat(r.settings().get("smsActivated").asBoolean()).isTrue();

        // the realm admin picks SMS the same way (once their own number is confirmed: without it the pick would shut
        // them out and is undone, see MethodSwitchIT); the master admin then deactivates it: the realm stays under
        // SMS (no texts go out, users are told to contact the administrator) rather than losing its second factor
        String localId = r.admin.ok(r.admin.get("/" + r.name + "/users?exact=true&username=local-admin")).get(0).get("id").asText();
        String phone = "/" + r.name + "/twofactor/users/" + localId + "/phone";
        r.admin.ok(r.admin.put(phone, Map.of("phoneNumber", "+14155550142")));
        r.admin.ok(r.admin.post(phone + "/confirm", null));
        assertThat(updateAttributes(localAdmin, r, Map.of("twofactor.method", "sms")).status()).isEqualTo(204);
        assertThat(r.settings().get("method").asText()).isEqualTo("sms");
        assertThat(updateAttributes(r.admin, r, Map.of("twofactor.smsActivated", "false")).status()).isEqualTo(204);
        JsonNode settings2 = r.settings();
        assertThat(settings2.get("smsActivated").asBoolean()).isFalse();
        assertThat(settings2.get("method").asText()).as("not switched off through the back door").isEqualTo("sms");
        assertThat(r.admin.ok(r.admin.get("/" + r.name)).get("browserFlow").asText()).isEqualTo(BOUND_BROWSER);
    }

    @Test
    void aRealmCreatedWithItsSettingsInItsAttributesIsBoundAndCheckedAsASaveWould() {
        KeycloakServer kc = KeycloakServer.get();
        AdminClient master = AdminClient.master(kc);
        String name = "rules-created-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        Map<String, Object> realm = new LinkedHashMap<>();
        realm.put("realm", name);
        realm.put("enabled", true);
        realm.put("attributes", Map.of("twofactor.method", "totp", "twofactor.maxCodeAttempts", "99"));
        master.ok(master.post("", realm));
        JsonNode created = master.ok(master.get("/" + name));
        assertThat(created.get("browserFlow").asText()).isEqualTo(BOUND_BROWSER);
        JsonNode settings = master.ok(master.get("/" + name + "/twofactor/settings"));
        assertThat(settings.get("method").asText()).isEqualTo("totp");
        assertThat(settings.get("maxCodeAttempts").asInt()).isEqualTo(5);
        assertThat(settings.get("firstEnabledAt").isNull()).isFalse();
        assertThat(created.get("attributes").path("twofactor.maxCodeAttempts").asText()).isEqualTo("5");
        assertThat(List.of(created.get("directGrantFlow").asText())).containsExactly(BOUND_DIRECT_GRANT);
    }

    @Test
    void theLockOutCheckAsksOnlyTheRealmsOwnAdminsAndOnlyWhenTheListChanges() {
        TestRealm r = TestRealm.create("rules-lockout");
        AdminClient localAdmin = realmAdmin(r); // signed in before the list exists

        // a master-realm admin is not subject to the realm's list: they may set one without their address
        assertThat(r.putSettings(r.admin, Map.of("ipAllowlist", List.of("10.0.0.0/8"))).status()).isEqualTo(200);
        assertThat(r.putSettings(r.admin, Map.of("codeLength", 7)).status()).isEqualTo(200);
        // the realm's admin outside the list may change other settings: only a change of the list asks
        assertThat(r.putSettings(localAdmin, Map.of("codeLength", 8)).status()).isEqualTo(200);
        HttpAnswer lockout = r.putSettings(localAdmin, Map.of("ipAllowlist", List.of("10.1.0.0/16")));
        assertThat(lockout.status()).isEqualTo(400);
        assertThat(lockout.json().get("field").asText()).isEqualTo("ipAllowlist");
        JsonNode settings = r.settings();
        assertThat(settings.get("codeLength").asInt()).isEqualTo(8);
        assertThat(settings.get("ipAllowlist")).extracting(JsonNode::asText).containsExactly("10.0.0.0/8");
    }
}
