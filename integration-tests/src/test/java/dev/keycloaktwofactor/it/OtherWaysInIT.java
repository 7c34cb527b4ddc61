package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.devtools.CaughtMail;
import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.EmailCodes;
import dev.keycloaktwofactor.it.support.QrPage;
import dev.keycloaktwofactor.it.support.TestRealm;
import dev.keycloaktwofactor.it.support.Totp;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ways into a realm that do not pass the browser flow's policy step: a sign-in through an identity provider (the
 * first one, which creates the user, and the later ones of a linked user) and a password reset by email. While
 * the policy is on, each still ends at the second factor; and a login through the policy step is not asked twice.
 */
class OtherWaysInIT {

    /** A second realm of the same server acting as an OpenID Connect provider for {@code consumer}, with one user. */
    private static TestRealm identityProviderFor(TestRealm consumer, String alias) {
        TestRealm idp = TestRealm.create("idp");
        String secret = "broker-secret-" + System.nanoTime();
        idp.admin.ok(idp.admin.post("/" + idp.name + "/clients", Map.of(
                "clientId", "consumer-broker", "publicClient", false, "secret", secret, "standardFlowEnabled", true,
                "redirectUris", List.of(consumer.kc.baseUrl() + "/realms/" + consumer.name + "/broker/" + alias + "/endpoint*"))));
        String issuer = idp.kc.baseUrl() + "/realms/" + idp.name;
        consumer.admin.ok(consumer.admin.post("/" + consumer.name + "/identity-provider/instances", Map.of(
                "alias", alias, "providerId", "oidc", "enabled", true, "trustEmail", true,
                "config", Map.of(
                        "clientId", "consumer-broker", "clientSecret", secret, "clientAuthMethod", "client_secret_post",
                        "authorizationUrl", issuer + "/protocol/openid-connect/auth",
                        "tokenUrl", issuer + "/protocol/openid-connect/token",
                        "userInfoUrl", issuer + "/protocol/openid-connect/userinfo",
                        "issuer", issuer, "validateSignature", "false", "defaultScope", "openid email profile",
                        "syncMode", "IMPORT"))));
        return idp;
    }

    private static Browser.Page signInThroughTheProvider(TestRealm consumer, Browser b, String alias, String user, String password) {
        Browser.Page login = b.open(consumer.authUrl());
        Element link = login.doc().selectFirst("a[href*=/broker/" + alias + "/login]");
        assertThat(link).as("the provider's button on " + login).isNotNull();
        Browser.Page providerLogin = b.open(link.absUrl("href"));
        assertThat(providerLogin.doc().selectFirst("form#kc-form-login")).as(providerLogin.toString()).isNotNull();
        return b.submit(providerLogin, "form#kc-form-login", Map.of("username", user, "password", password));
    }

    @Test
    void aSignInThroughAnIdentityProviderStillEndsAtTheSecondFactor() {
        TestRealm consumer = TestRealm.create("brokered");
        consumer.admin.ok(consumer.putSettings(consumer.admin, Map.of("method", "email", "resendCooldownSeconds", 1)));
        TestRealm idp = identityProviderFor(consumer, "corp");
        idp.addUser("ext", "ext-pw");
        String email = idp.email("ext");

        // first broker login: the user is created from the provider's data, then asked for the emailed code
        Browser b = consumer.browser();
        Browser.Page page = signInThroughTheProvider(consumer, b, "corp", "ext", "ext-pw");
        assertThat(page.isRedirectToClient()).as("no way around the second factor: " + page).isFalse();
        assertThat(page.doc().selectFirst(CodePage.FIELD)).as(page.toString()).isNotNull();
        CaughtMail mail = consumer.kc.mail().awaitMessageTo(email, java.time.Duration.ofSeconds(20));
        Browser.Page done = CodePage.submit(b, page, EmailCodes.code(mail));
        assertThat(done.isRedirectToClient()).as(done.toString()).isTrue();
        assertThat(consumer.exchange(done).get("access_token").asText()).isNotBlank();

        // a later sign-in of the now linked user (no first-broker-login flow this time): asked again
        Browser again = consumer.browser();
        Browser.Page second = signInThroughTheProvider(consumer, again, "corp", "ext", "ext-pw");
        assertThat(second.isRedirectToClient()).as(second.toString()).isFalse();
        assertThat(second.doc().selectFirst(CodePage.FIELD)).isNotNull();
        String wrong = "000000";
        Browser.Page refused = CodePage.submit(again, second, wrong);
        assertThat(refused.isRedirectToClient()).isFalse();
        CaughtMail secondMail = consumer.kc.mail().awaitMessageTo(email, java.time.Duration.ofSeconds(20));
        assertThat(CodePage.submit(again, refused, EmailCodes.code(secondMail)).isRedirectToClient()).isTrue();

        // with the policy off the provider's sign-in goes straight through, as before
        consumer.admin.ok(consumer.putSettings(consumer.admin, Map.of("method", "none")));
        Browser.Page off = signInThroughTheProvider(consumer, consumer.browser(), "corp", "ext", "ext-pw");
        assertThat(off.isRedirectToClient()).as(off.toString()).isTrue();
    }

    @Test
    void aPasswordResetByEmailStillEndsAtTheSecondFactor() {
        TestRealm r = TestRealm.create("reset");
        r.admin.ok(r.admin.put("/" + r.name, Map.of("resetPasswordAllowed", true)));
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "totp")));
        r.addUser("agent", "agent-pw");

        Browser b = r.browser();
        Browser.Page login = b.open(r.authUrl());
        Element forgot = login.doc().selectFirst("a[href*=login-actions/reset-credentials]");
        assertThat(forgot).as("Forgot password? on " + login).isNotNull();
        Browser.Page ask = b.open(forgot.absUrl("href"));
        b.submit(ask, "form", Map.of("username", "agent"));
        CaughtMail mail = EmailCodes.next(r, "agent");
        Matcher link = Pattern.compile("(https?://\\S+/login-actions/action-token\\?\\S+)").matcher(mail.text());
        assertThat(link.find()).as(mail.text()).isTrue();
        Browser.Page factor = b.open(link.group(1));
        if (factor.doc().selectFirst(QrPage.QR) == null) {
            // Keycloak may first ask to go on with the link ("Click here to proceed")
            Element proceed = factor.doc().selectFirst("a[href*=action-token], a[href*=login-actions]");
            assertThat(proceed).as(factor.toString()).isNotNull();
            factor = b.open(proceed.absUrl("href"));
        }
        // the second factor comes before every other required action, the new password included: the link in the
        // mailbox alone does not get to set a password
        assertThat(factor.isRedirectToClient()).as("a reset link alone does not sign in: " + factor).isFalse();
        assertThat(factor.doc().selectFirst("input[name=password-new]")).as("not the password first: " + factor).isNull();
        assertThat(factor.doc().selectFirst(QrPage.QR)).as("the authenticator app is asked for: " + factor).isNotNull();
        Totp app = QrPage.scan(factor);
        Browser.Page update = CodePage.submit(b, factor, app.now());
        assertThat(update.doc().selectFirst("input[name=password-new]")).as(update.toString()).isNotNull();
        Browser.Page after = b.submit(update, "form", Map.of("password-new", "new-pw-123", "password-confirm", "new-pw-123"));
        assertThat(after.isRedirectToClient()).as(after.toString()).isTrue();
    }

    @Test
    void aLoginThroughThePolicyStepIsNotAskedTwiceNorIsTheSsoLoginThatFollows() {
        TestRealm r = TestRealm.create("once");
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email", "resendCooldownSeconds", 1)));
        r.addUser("agent", "agent-pw");
        Browser b = r.browser();
        Browser.Page page = r.signIn(b, "agent", "agent-pw");
        Browser.Page done = CodePage.submitEmailedCode(b, page, r, "agent");
        assertThat(done.isRedirectToClient()).as("straight to the application after one code: " + done).isTrue();
        long mails = EmailCodes.count(r, "agent");
        Browser.Page sso = b.open(r.authUrl());
        assertThat(sso.isRedirectToClient()).as("single sign-on needs no second code: " + sso).isTrue();
        assertThat(EmailCodes.count(r, "agent")).isEqualTo(mails);
    }
}
