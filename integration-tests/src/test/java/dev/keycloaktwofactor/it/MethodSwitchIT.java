package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.HttpAnswer;
import dev.keycloaktwofactor.it.support.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11: every refusal of the admin API carries a stable code (pages translate it) and English without field
 * names; a realm admin cannot switch the realm to a method they could not sign in with themselves; a method change
 * says how many users cannot use the method yet.
 */
class MethodSwitchIT {

    private static AdminClient realmAdmin(TestRealm r, String username) {
        String id = r.addUser(username, username + "-pw");
        r.makeRealmAdmin(id);
        return AdminClient.passwordGrant(r.kc, r.name, username, username + "-pw");
    }

    private static String userId(TestRealm r, String username) {
        return r.admin.ok(r.admin.get("/" + r.name + "/users?exact=true&username=" + username)).get(0).get("id").asText();
    }

    /** A user without an email address (TestRealm.addUser gives everybody one). */
    private static String addUserWithoutEmail(TestRealm r, String username) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("username", username);
        user.put("enabled", true);
        user.put("firstName", username);
        user.put("lastName", "Tester");
        user.put("credentials", List.of(Map.of("type", "password", "value", username + "-pw", "temporary", false)));
        assertThat(r.admin.post("/" + r.name + "/users", user).status()).isEqualTo(201);
        return userId(r, username);
    }

    private static void assertRefused(HttpAnswer answer, int status, String field, String code) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        JsonNode json = answer.json();
        assertThat(json.path("field").asText()).as(answer.toString()).isEqualTo(field);
        assertThat(json.path("code").asText()).as(answer.toString()).isEqualTo(code);
        assertThat(json.path("error").asText()).as("English words, no field names: " + answer).isNotBlank()
                .doesNotContain("ipAllowlist").doesNotContain("codeLength").doesNotContain("smsActivated")
                .doesNotContain("supportAccessMinutes").doesNotContain("smsCountries").doesNotContain("defaultPhoneRegion");
    }

    @Test
    void everyRefusalHasItsOwnCodeAndEnglishWithoutFieldNames() {
        TestRealm r = TestRealm.create("refusal-codes");
        AdminClient local = realmAdmin(r, "local-admin");

        HttpAnswer entry = r.putSettings(r.admin, Map.of("ipAllowlist", List.of("10.0.0.300/8")));
        assertRefused(entry, 400, "ipAllowlist", "ip_allowlist_invalid");
        assertThat(entry.json().get("error").asText()).startsWith("Invalid entry in the IP allowlist:");
        assertThat(entry.json().get("value").asText()).as("the entry, for the page's own sentence").isEqualTo("10.0.0.300/8");

        HttpAnswer lockout = r.putSettings(local, Map.of("ipAllowlist", List.of("192.0.2.0/24")));
        assertRefused(lockout, 400, "ipAllowlist", "ip_allowlist_locks_you_out");
        assertThat(lockout.json().get("value").asText()).as("the admin's own address").isNotBlank()
                .isEqualTo(lockout.json().get("error").asText().replaceAll(".*your address (\\S+) is not in it.*", "$1"));

        assertRefused(r.putSettings(r.admin, Map.of("codeLength", 4)), 400, "codeLength", "code_length_invalid");
        assertRefused(r.putSettings(r.admin, Map.of("allowAppOptIn", "yes")), 400, "allowAppOptIn", "allow_app_opt_in_invalid");
        assertRefused(r.putSettings(r.admin, Map.of("bogus", 1)), 400, "bogus", "setting_unknown");
        assertRefused(r.putSettings(r.admin, Map.of("method", "fax")), 400, "method", "method_invalid");
        assertRefused(r.putSettings(r.admin, Map.of("smsCountries", List.of("XX"))), 400, "smsCountries", "sms_countries_invalid");
        assertRefused(r.putSettings(r.admin, Map.of("defaultPhoneRegion", "XX")), 400, "defaultPhoneRegion", "default_phone_region_invalid");
        assertRefused(r.putSettings(r.admin, Map.of("supportAccessMinutes", -1)), 400, "supportAccessMinutes", "support_access_minutes_invalid");
        assertRefused(r.putSettings(local, Map.of("smsActivated", true)), 400, "smsActivated", "sms_activated_master_only");
        assertRefused(r.putSettings(local, Map.of("method", "sms")), 400, "method", "sms_not_activated");

        String localId = userId(r, "local-admin");
        String phone = "/" + r.name + "/twofactor/users/" + localId + "/phone";
        assertRefused(r.admin.post(phone + "/confirm", null), 400, "phoneNumber", "phone_none_to_confirm");
        assertRefused(r.admin.put(phone, Map.of("number", "+14155550100")), 400, "phoneNumber", "phone_body_invalid");
        assertRefused(r.admin.put(phone, Map.of("phoneNumber", "12")), 400, "phoneNumber", "phone_needs_country");
        r.admin.ok(r.admin.put(phone, Map.of("phoneNumber", "+14155550140")));
        assertRefused(local.post(phone + "/confirm", null), 403, "phoneNumber", "own_number");
        assertThat(r.settings().get("ipAllowlist")).as("nothing was stored").isEmpty();
    }

    @Test
    void aRealmAdminWithoutAConfirmedNumberCannotSwitchToSmsButAMasterAdminCan() {
        TestRealm r = TestRealm.create("switch-sms");
        AdminClient local = realmAdmin(r, "local-admin");
        AdminClient other = realmAdmin(r, "other-admin");
        r.addUser("agent", "agent-pw");
        r.admin.ok(r.putSettings(r.admin, Map.of("smsActivated", true)));

        HttpAnswer noNumber = r.putSettings(local, Map.of("method", "sms"));
        assertRefused(noNumber, 400, "method", "method_locks_you_out");
        assertThat(noNumber.json().get("value").asText()).isEqualTo("sms");
        assertThat(noNumber.json().get("error").asText()).contains("no confirmed phone number");

        String phone = "/" + r.name + "/twofactor/users/" + userId(r, "local-admin") + "/phone";
        r.admin.ok(r.admin.put(phone, Map.of("phoneNumber", "+14155550141")));
        assertRefused(r.putSettings(local, Map.of("method", "sms")), 400, "method", "method_locks_you_out");
        assertThat(r.settings().get("method").asText()).isEqualTo("none");

        // another admin confirms it (an admin never confirms their own): now SMS would not lock them out
        other.ok(other.post(phone + "/confirm", null));
        JsonNode saved = local.ok(r.putSettings(local, Map.of("method", "sms")));
        assertThat(saved.get("method").asText()).isEqualTo("sms");
        assertThat(saved.get("notReady").asInt()).as("other-admin and agent have no confirmed number").isEqualTo(2);

        // a master-realm admin is not asked about their own number: they sign in elsewhere
        TestRealm m = TestRealm.create("switch-sms-master");
        m.addUser("agent", "agent-pw");
        m.admin.ok(m.putSettings(m.admin, Map.of("smsActivated", true)));
        JsonNode byMaster = m.admin.ok(m.putSettings(m.admin, Map.of("method", "sms")));
        assertThat(byMaster.get("notReady").asInt()).isEqualTo(1);
    }

    /**
     * The same guards hold on Keycloak's own realm update ({@code PUT /admin/realms/{realm}}, which writes any realm
     * attribute): Keycloak answers 204 as usual, and the write that would shut the writing admin out is undone.
     */
    @Test
    void keycloaksRealmUpdateCannotShutTheWritingRealmAdminOut() {
        TestRealm r = TestRealm.create("switch-realm-update");
        AdminClient local = realmAdmin(r, "local-admin");
        r.admin.ok(r.putSettings(r.admin, Map.of("smsActivated", true)));

        HttpAnswer toSms = local.put("/" + r.name, Map.of("attributes", Map.of("twofactor.method", "sms")));
        assertThat(toSms.status()).as(toSms.toString()).isEqualTo(204);
        assertThat(r.settings().get("method").asText()).as("SMS without the admin's own confirmed number").isEqualTo("none");
        assertThat(r.admin.ok(r.admin.get("/" + r.name)).get("attributes").path("twofactor.method").asText()).isEqualTo("none");

        HttpAnswer closed = local.put("/" + r.name, Map.of("attributes", Map.of("twofactor.ipAllowlist", "192.0.2.0/24")));
        assertThat(closed.status()).as(closed.toString()).isEqualTo(204);
        assertThat(r.settings().get("ipAllowlist")).as("an allowlist without the admin's own address").isEmpty();

        // what does not shut the writer out still goes through the realm update, flows bound as by a save
        local.put("/" + r.name, Map.of("attributes", Map.of("twofactor.method", "email")));
        assertThat(r.settings().get("method").asText()).isEqualTo("email");
        local.put("/" + r.name, Map.of("attributes", Map.of("twofactor.ipAllowlist", "127.0.0.0/8,::1/128")));
        assertThat(r.settings().get("ipAllowlist")).hasSize(2);

        // and a master-realm admin's realm update is not asked about their own sign-in
        r.admin.put("/" + r.name, Map.of("attributes", Map.of("twofactor.method", "sms")));
        assertThat(r.settings().get("method").asText()).isEqualTo("sms");
    }

    @Test
    void aRealmAdminWithoutAnEmailAddressCannotSwitchToEmail() {
        TestRealm r = TestRealm.create("switch-email");
        AdminClient local = realmAdmin(r, "mailless-admin");
        // Keycloak's user profile asks a user without an email for one at sign-in: the address goes after the token
        String id = userId(r, "mailless-admin");
        Map<String, Object> withoutEmail = new LinkedHashMap<>();
        withoutEmail.put("username", "mailless-admin");
        withoutEmail.put("email", "");
        withoutEmail.put("firstName", "mailless-admin");
        withoutEmail.put("lastName", "Tester");
        withoutEmail.put("enabled", true);
        assertThat(r.admin.put("/" + r.name + "/users/" + id, withoutEmail).status()).isEqualTo(204);
        assertThat(r.admin.ok(r.admin.get("/" + r.name + "/users/" + id)).path("email").asText()).isEmpty();

        HttpAnswer refused = r.putSettings(local, Map.of("method", "email"));
        assertRefused(refused, 400, "method", "method_locks_you_out");
        assertThat(refused.json().get("value").asText()).isEqualTo("email");
        assertThat(refused.json().get("error").asText()).contains("no email address");
        assertThat(r.settings().get("method").asText()).isEqualTo("none");
        assertThat(local.ok(r.putSettings(local, Map.of("method", "totp"))).get("notReady").asInt())
                .as("an app is set up at the next sign-in").isZero();
    }

    @Test
    void aMethodChangeSaysHowManyUsersCannotUseItYetAndTheReadinessReadSaysItBefore() {
        TestRealm r = TestRealm.create("not-ready");
        r.addUser("agent", "agent-pw");
        r.addUser("employee", "employee-pw");
        addUserWithoutEmail(r, "nomail");
        String readiness = "/" + r.name + "/twofactor/readiness?method=";

        JsonNode email = r.admin.ok(r.admin.get(readiness + "email"));
        assertThat(email.get("users").asInt()).isEqualTo(3);
        assertThat(email.get("notReady").asInt()).isEqualTo(1);
        JsonNode sms = r.admin.ok(r.admin.get(readiness + "sms"));
        assertThat(sms.get("notReady").asInt()).isEqualTo(3);
        String agent = "/" + r.name + "/twofactor/users/" + userId(r, "agent") + "/phone";
        r.admin.ok(r.admin.put(agent, Map.of("phoneNumber", "+14155550142")));
        assertThat(r.admin.ok(r.admin.get(readiness + "sms")).get("notReady").asInt()).as("unconfirmed still counts").isEqualTo(3);
        r.admin.ok(r.admin.post(agent + "/confirm", null));
        assertThat(r.admin.ok(r.admin.get(readiness + "sms")).get("notReady").asInt()).isEqualTo(2);
        assertRefused(r.admin.get(readiness + "fax"), 400, "method", "method_invalid");

        JsonNode saved = r.admin.ok(r.putSettings(r.admin, Map.of("method", "email")));
        assertThat(saved.get("notReady").asInt()).isEqualTo(1);
        JsonNode again = r.admin.ok(r.putSettings(r.admin, Map.of("method", "email", "codeLength", 7)));
        assertThat(again.has("notReady")).as("no change of method, nothing to say").isFalse();
        r.admin.ok(r.putSettings(r.admin, Map.of("smsActivated", true)));
        assertThat(r.admin.ok(r.putSettings(r.admin, Map.of("method", "sms"))).get("notReady").asInt()).isEqualTo(2);
    }

    @Test
    void theUsersListCarriesTheTotalAndFullNumbersForAdminsWhoMayViewUsers() {
        TestRealm r = TestRealm.create("users-total");
        for (String name : List.of("user1", "user2", "user3")) {
            r.addUser(name, name + "-pw");
        }
        r.admin.ok(r.admin.put("/" + r.name + "/twofactor/users/" + userId(r, "user2") + "/phone", Map.of("phoneNumber", "+14155550143")));
        JsonNode page = r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users?first=2&max=2"));
        assertThat(page.get("total").asInt()).isEqualTo(3);
        assertThat(page.get("users")).hasSize(1);
        JsonNode search = r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users?search=user2&max=2"));
        assertThat(search.get("total").asInt()).isEqualTo(1);
        JsonNode u2 = search.get("users").get(0);
        assertThat(u2.get("username").asText()).isEqualTo("user2");
        assertThat(u2.get("phoneNumberE164").asText()).isEqualTo("+14155550143");
        assertThat(u2.get("phoneNumber").asText()).as("the masked form stays for pages and emails").isEqualTo("+1 •••-•••-0143");
    }
}
