package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.HttpAnswer;
import dev.keycloaktwofactor.it.support.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Saving a method binds a flow an admin can read; saving "none" puts the realm back as it was. */
class PolicyFlowIT {

    private static TestRealm realm;

    @BeforeAll
    static void setUp() {
        realm = TestRealm.create("policy");
        realm.addUser("agent", "agent-pw");
    }

    @Test
    void savingAMethodBindsAReadableCopyOfTheBrowserFlowAndNoneRestoresIt() {
        assertThat(realmRep().get("browserFlow").asText()).isEqualTo("browser");

        realm.admin.ok(realm.putSettings(realm.admin, Map.of("method", "totp")));

        JsonNode rep = realmRep();
        assertThat(rep.get("browserFlow").asText()).isEqualTo("browser with two-factor");
        assertThat(rep.get("directGrantFlow").asText()).isEqualTo("direct grant with two-factor");
        List<JsonNode> steps = executions("browser with two-factor");
        int password = indexOf(steps, "auth-username-password-form");
        assertThat(password).isNotNegative();
        JsonNode ours = steps.get(password + 1);
        assertThat(ours.get("providerId").asText()).isEqualTo("twofactor-authenticator");
        assertThat(ours.get("requirement").asText()).isEqualTo("REQUIRED");
        assertThat(ours.get("level").asInt()).isEqualTo(steps.get(password).get("level").asInt());
        assertThat(ours.get("displayName").asText()).isEqualTo("Two-factor (realm policy)");
        // every step of the original is still there, cookie SSO first
        assertThat(steps.get(0).get("providerId").asText()).isEqualTo("auth-cookie");
        assertThat(steps.stream().filter(s -> "auth-otp-form".equals(s.path("providerId").asText())))
                .allSatisfy(s -> assertThat(s.get("requirement").asText()).isEqualTo("DISABLED"));
        assertThat(steps.get(password - 1).get("providerId").asText()).as("IP allowlist before the password")
                .isEqualTo("twofactor-ip-allowlist");
        assertThat(steps).hasSize(executions("browser").size() + 2);
        List<JsonNode> grant = executions("direct grant with two-factor");
        assertThat(grant.get(0).get("providerId").asText()).isEqualTo("twofactor-ip-allowlist-direct-grant");
        int grantPassword = indexOf(grant, "direct-grant-validate-password");
        assertThat(grant.get(grantPassword + 1).get("providerId").asText()).isEqualTo("twofactor-direct-grant");

        realm.admin.ok(realm.putSettings(realm.admin, Map.of("method", "none")));
        rep = realmRep();
        assertThat(rep.get("browserFlow").asText()).isEqualTo("browser");
        assertThat(rep.get("directGrantFlow").asText()).isEqualTo("direct grant");
        assertThat(flowAliases()).doesNotContain("browser with two-factor", "direct grant with two-factor");
    }

    @Test
    void aCustomisedBrowserFlowKeepsItsStepsAndComesBack() {
        TestRealm custom = TestRealm.create("custom-flow");
        AdminClient a = custom.admin;
        a.ok(a.post("/" + custom.name + "/authentication/flows/browser/copy", Map.of("newName", "my browser")));
        a.ok(a.post("/" + custom.name + "/authentication/flows/" + enc("my browser forms") + "/executions/execution",
                Map.of("provider", "auth-recovery-authn-code-form")));
        a.ok(a.put("/" + custom.name, Map.of("browserFlow", "my browser")));
        List<JsonNode> before = executions(custom, "my browser");

        a.ok(custom.putSettings(a, Map.of("method", "totp")));
        assertThat(realmRep(custom).get("browserFlow").asText()).isEqualTo("browser with two-factor");
        List<String> providersAfter = executions(custom, "browser with two-factor").stream()
                .map(s -> s.path("providerId").asText()).toList();
        assertThat(providersAfter).contains("auth-recovery-authn-code-form", "twofactor-authenticator");
        assertThat(providersAfter).hasSize(before.size() + 2);

        a.ok(custom.putSettings(a, Map.of("method", "none")));
        assertThat(realmRep(custom).get("browserFlow").asText()).isEqualTo("my browser");
        assertThat(executions(custom, "my browser")).isEqualTo(before);
    }

    @Test
    void theDirectGrantIsRefusedWhileTwoFactorIsOn() {
        TestRealm r = TestRealm.create("direct-grant");
        r.addUser("agent", "agent-pw");
        assertThat(r.directGrant("agent", "agent-pw").status()).isEqualTo(200);
        HttpAnswer wrongBefore = r.directGrant("agent", "not-the-password");

        r.admin.ok(r.putSettings(r.admin, Map.of("method", "totp")));
        HttpAnswer refused = r.directGrant("agent", "agent-pw");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(refused.json().get("error_description").asText()).contains("Two-factor authentication is required");
        assertThat(refused.body()).doesNotContain("access_token");
        // a wrong password still answers the usual way: nothing tells whether the account exists or has 2FA
        HttpAnswer wrong = r.directGrant("agent", "not-the-password");
        assertThat(wrong).isEqualTo(wrongBefore);
        assertThat(wrong.json().get("error_description").asText()).isEqualTo("Invalid user credentials");

        r.admin.ok(r.putSettings(r.admin, Map.of("method", "none")));
        assertThat(r.directGrant("agent", "agent-pw").status()).isEqualTo(200);
    }

    @Test
    void theBrowserLoginAsksForTheSecondFactorAfterThePassword() {
        TestRealm r = TestRealm.create("browser-step");
        r.addUser("agent", "agent-pw");
        Browser.Page noPolicy = r.signIn(r.browser(), "agent", "agent-pw");
        assertThat(noPolicy.isRedirectToClient()).as("no second factor while off").isTrue();

        r.admin.ok(r.putSettings(r.admin, Map.of("method", "totp")));
        Browser browser = r.browser();
        Browser.Page next = r.signIn(browser, "agent", "agent-pw");
        assertThat(next.isRedirectToClient()).isFalse();
        assertThat(next.doc().selectFirst(CodePage.FIELD)).isNotNull();
        // going straight back to the auth endpoint does not skip the step
        Browser.Page again = browser.open(r.authUrl());
        assertThat(again.isRedirectToClient()).isFalse();
    }

    private static JsonNode realmRep() {
        return realmRep(realm);
    }

    private static JsonNode realmRep(TestRealm r) {
        return r.admin.ok(r.admin.get("/" + r.name));
    }

    private static List<JsonNode> executions(String flow) {
        return executions(realm, flow);
    }

    static List<JsonNode> executions(TestRealm r, String flow) {
        List<JsonNode> out = new ArrayList<>();
        r.admin.ok(r.admin.get("/" + r.name + "/authentication/flows/" + enc(flow) + "/executions")).forEach(e -> {
            com.fasterxml.jackson.databind.node.ObjectNode copy = e.deepCopy();
            copy.remove("id");
            copy.remove("flowId");
            copy.remove("priority");
            copy.remove("index");
            copy.remove("displayName");
            copy.put("displayName", e.path("displayName").asText().replace("my browser", "").replace("browser with two-factor", "").trim());
            out.add(copy);
        });
        return out;
    }

    private static int indexOf(List<JsonNode> steps, String provider) {
        for (int i = 0; i < steps.size(); i++) {
            if (provider.equals(steps.get(i).path("providerId").asText())) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> flowAliases() {
        List<String> out = new ArrayList<>();
        realm.admin.ok(realm.admin.get("/" + realm.name + "/authentication/flows")).forEach(f -> out.add(f.get("alias").asText()));
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
