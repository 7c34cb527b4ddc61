package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.EmailCodes;
import dev.keycloaktwofactor.it.support.HttpAnswer;
import dev.keycloaktwofactor.it.support.QrCode;
import dev.keycloaktwofactor.it.support.QrPage;
import dev.keycloaktwofactor.it.support.TestRealm;
import dev.keycloaktwofactor.it.support.Totp;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Under the email method a signed-in user switches to an authenticator app, and back by removing it. */
class SetupAppIT {

    private static Browser.Page emailLogin(TestRealm r, Browser b, String user, String password) {
        Browser.Page page = r.signIn(b, user, password);
        Browser.Page done = CodePage.submitEmailedCode(b, page, r, user);
        assertThat(done.isRedirectToClient()).as(done.toString()).isTrue();
        return done;
    }

    @Test
    @Tag("smoke") // also the older releases' way of reporting a wrong code to brute-force protection (4 arguments)
    void aUserSwitchesToAnAppAfterConfirmingAnEmailCodeAndBackByRemovingIt() {
        TestRealm r = TestRealm.create("setup-app");
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email", "resendCooldownSeconds", 1)));
        String id = r.addUser("agent", "agent-pw");
        Browser b = r.browser();
        String accessToken = r.exchange(emailLogin(r, b, "agent", "agent-pw")).get("access_token").asText();
        assertThat(switchOffered(r, accessToken)).as("the account console offers the switch").isTrue();

        // the application (account console, say) starts the action
        Browser.Page confirm = b.open(r.authUrl() + "&kc_action=twofactor-setup-app");
        assertThat(confirm.doc().selectFirst(CodePage.FIELD)).as(confirm.toString()).isNotNull();
        assertThat(confirm.doc().selectFirst(QrPage.QR)).as("no QR before the email code").isNull();
        assertThat(confirm.doc().selectFirst("#kc-login").text()).as("the user is signed in already: not \"Sign in\"")
                .isEqualTo("Continue");
        String setupCode = EmailCodes.nextCode(r, "agent");

        Browser.Page wrong = CodePage.submit(b, confirm, setupCode.equals("000000") ? "111111" : "000000");
        assertThat(wrong.doc().selectFirst(QrPage.QR)).isNull();
        assertThat(r.bruteForceStatus(id, 1).get("numFailures").asInt())
                .as("a wrong code inside the action reaches brute-force protection too").isEqualTo(1);

        Browser.Page qr = CodePage.submit(b, wrong, setupCode);
        assertThat(qr.doc().selectFirst(QrPage.QR)).as(qr.toString()).isNotNull();
        assertThat(qr.doc().text()).contains("Complete the setup");
        Totp app = QrPage.scan(qr);
        // on the phone that holds the app: the same otpauth:// URI as a link
        assertThat(qr.doc().selectFirst("a#twofactor-otpauth-link").text()).isEqualTo("Open in authenticator app");
        assertThat(qr.doc().selectFirst("a#twofactor-otpauth-link").attr("href"))
                .isEqualTo(QrCode.decode(qr.doc().selectFirst(QrPage.QR)));
        Browser.Page done = CodePage.submit(b, qr, app.now());
        assertThat(done.isRedirectToClient()).as(done.toString()).isTrue();
        assertThat(done.queryParam("kc_action_status")).isEqualTo("success");
        assertThat(r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users/" + id)).get("totpConfigured").asBoolean()).isTrue();
        assertThat(switchOffered(r, accessToken)).as("no switch offered once the app is set up").isFalse();

        // from now on: the app's code, and no email
        long mails = EmailCodes.count(r, "agent");
        Browser next = r.browser();
        Browser.Page codePage = r.signIn(next, "agent", "agent-pw");
        assertThat(codePage.doc().selectFirst(QrPage.QR)).isNull();
        assertThat(CodePage.submit(next, codePage, app.next()).isRedirectToClient()).isTrue();
        assertThat(EmailCodes.count(r, "agent")).isEqualTo(mails);

        // removing the app the way the account console does brings the email code back
        String credentialId = null;
        for (JsonNode c : r.admin.ok(r.admin.get("/" + r.name + "/users/" + id + "/credentials"))) {
            if ("otp".equals(c.get("type").asText())) {
                credentialId = c.get("id").asText();
            }
        }
        assertThat(credentialId).isNotNull();
        Browser.Page delete = next.open(r.authUrl() + "&kc_action=delete_credential:" + credentialId);
        Browser.Page deleted = next.submit(delete, "form", Map.of("accept", ""));
        assertThat(deleted.isRedirectToClient()).as(deleted.toString()).isTrue();
        Browser third = r.browser();
        r.signIn(third, "agent", "agent-pw");
        // the email goes out after the page has answered (delivery pool): wait for it, then count
        EmailCodes.next(r, "agent");
        assertThat(EmailCodes.count(r, "agent")).isEqualTo(mails + 1);
    }

    @Test
    void keycloaksOwnAppSetupIsNoWayAroundTheEmailCode() {
        TestRealm r = TestRealm.create("setup-app-builtin");
        String builtIn = "/" + r.name + "/authentication/required-actions/CONFIGURE_TOTP";
        assertThat(r.admin.ok(r.admin.get(builtIn)).get("enabled").asBoolean()).as("a new realm has it on").isTrue();
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email", "resendCooldownSeconds", 1)));
        assertThat(r.admin.ok(r.admin.get(builtIn)).get("enabled").asBoolean()).as("off under the email method").isFalse();

        String id = r.addUser("agent", "agent-pw");
        Browser b = r.browser();
        String accessToken = r.exchange(emailLogin(r, b, "agent", "agent-pw")).get("access_token").asText();
        assertThat(switchOffered(r, accessToken)).as("our switch is still offered").isTrue();
        assertThat(createAction(r, accessToken, "otp")).as("the account console offers no set-up of Keycloak's own").isNull();
        // a session signed in seconds ago (inside Keycloak's five minutes) asks for Keycloak's own set-up directly
        Browser.Page page = b.open(r.authUrl() + "&kc_action=CONFIGURE_TOTP");
        assertThat(page.doc().selectFirst(QrPage.QR)).as(page.toString()).isNull();
        assertThat(page.doc().selectFirst("#kc-totp-secret-qr-code")).as(page.toString()).isNull();
        assertThat(page.isRedirectToClient()).as(page.toString()).isTrue();
        assertThat(page.queryParam("kc_action_status")).isEqualTo("error");
        assertThat(r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users/" + id)).get("totpConfigured").asBoolean()).isFalse();

        // an admin who turns it on again (admin console, Required actions) does not reopen the way
        JsonNode on = r.admin.ok(r.admin.get(builtIn));
        ((com.fasterxml.jackson.databind.node.ObjectNode) on).put("enabled", true);
        r.admin.ok(r.admin.put(builtIn, on));
        assertThat(r.admin.ok(r.admin.get(builtIn)).get("enabled").asBoolean()).isFalse();

        // leaving the email method gives it back as it was; an admin's own "off" is theirs to keep
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "totp")));
        assertThat(r.admin.ok(r.admin.get(builtIn)).get("enabled").asBoolean()).as("back on under the app method").isTrue();
        JsonNode off = r.admin.ok(r.admin.get(builtIn));
        ((com.fasterxml.jackson.databind.node.ObjectNode) off).put("enabled", false);
        r.admin.ok(r.admin.put(builtIn, off));
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email")));
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "none")));
        assertThat(r.admin.ok(r.admin.get(builtIn)).get("enabled").asBoolean()).as("the admin had it off").isFalse();
    }

    /**
     * The set-up action the account console's "Signing in" page offers for a credential type, or null (Keycloak leaves
     * a type out altogether when the user has none of it and nothing sets one up).
     */
    private static String createAction(TestRealm r, String accessToken, String type) {
        HttpAnswer answer = AdminClient.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        r.kc.baseUrl() + "/realms/" + r.name + "/account/credentials"))
                .header("Authorization", "Bearer " + accessToken).header("Accept", "application/json").GET().build());
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        for (JsonNode t : answer.json()) {
            if (type.equals(t.path("type").asText())) {
                return t.path("createAction").isTextual() ? t.get("createAction").asText() : null;
            }
        }
        return null;
    }

    /** What the account console's "Signing in" page lists, from the account REST API it calls. */
    private static boolean switchOffered(TestRealm r, String accessToken) {
        HttpAnswer answer = AdminClient.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        r.kc.baseUrl() + "/realms/" + r.name + "/account/credentials"))
                .header("Authorization", "Bearer " + accessToken).header("Accept", "application/json").GET().build());
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        for (JsonNode type : answer.json()) {
            if ("twofactor-setup-app".equals(type.path("type").asText())) {
                assertThat(type.get("category").asText()).isEqualTo("two-factor");
                return "twofactor-setup-app".equals(type.path("createAction").asText());
            }
        }
        return false;
    }

    @Test
    void theSwitchIsNotOfferedWhenTheRealmDoesNotAllowIt() {
        TestRealm r = TestRealm.create("setup-app-off");
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email", "allowAppOptIn", false)));
        String id = r.addUser("agent", "agent-pw");
        Browser b = r.browser();
        String accessToken = r.exchange(emailLogin(r, b, "agent", "agent-pw")).get("access_token").asText();
        assertThat(switchOffered(r, accessToken)).isFalse();
        Browser.Page page = b.open(r.authUrl() + "&kc_action=twofactor-setup-app");
        assertThat(page.doc().selectFirst("#twofactor-message").text()).contains("not available");
        assertThat(page.doc().selectFirst(QrPage.QR)).isNull();
        assertThat(r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users/" + id)).get("totpConfigured").asBoolean()).isFalse();
    }

    @Test
    void anAppSetUpInAnotherTabDoesNotMakeTheOpenEmailCodePageCountAWrongAppCode() throws Exception {
        TestRealm r = TestRealm.create("setup-app-tabs");
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email", "resendCooldownSeconds", 1)));
        String id = r.addUser("agent", "agent-pw");
        // a signed-in browser, where the user will set up an app
        Browser signedIn = r.browser();
        emailLogin(r, signedIn, "agent", "agent-pw");

        // another tab starts a login and stays on the email code page
        Browser tab = r.browser();
        Browser.Page emailPage = r.signIn(tab, "agent", "agent-pw");
        assertThat(emailPage.doc().selectFirst(QrPage.QR)).isNull();
        String emailCode = EmailCodes.nextCode(r, "agent");

        // meanwhile the app is set up in the signed-in browser
        Thread.sleep(1200);
        Browser.Page confirm = signedIn.open(r.authUrl() + "&kc_action=twofactor-setup-app");
        Browser.Page qr = CodePage.submitEmailedCode(signedIn, confirm, r, "agent");
        Totp app = QrPage.scan(qr);
        assertThat(CodePage.submit(signedIn, qr, app.now()).isRedirectToClient()).isTrue();
        assertThat(r.bruteForceStatus(id, 0).get("numFailures").asInt()).isZero();

        // the email code page answers the factor it asked for: the post is not checked as an app code
        Browser.Page after = CodePage.submit(tab, emailPage, emailCode);
        assertThat(after.isRedirectToClient()).isFalse();
        assertThat(after.doc().text()).as(after.toString()).doesNotContain("Invalid code")
                .contains("Enter the code from your authenticator app");
        Thread.sleep(500);
        assertThat(r.bruteForceStatus(id, 0).get("numFailures").asInt()).as("no wrong code counted").isZero();
        assertThat(CodePage.submit(tab, after, app.next()).isRedirectToClient()).as("the app's code completes that login").isTrue();
    }
}
