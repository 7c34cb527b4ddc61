package dev.keycloaktwofactor.it.ui;

import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.EmailCodes;
import dev.keycloaktwofactor.it.support.ExtraServerOptions;
import dev.keycloaktwofactor.it.support.PhonePage;
import dev.keycloaktwofactor.it.support.QrCode;
import dev.keycloaktwofactor.it.support.QrPage;
import dev.keycloaktwofactor.it.support.TestRealm;
import dev.keycloaktwofactor.it.support.Totp;
import dev.keycloaktwofactor.it.support.TwilioStub;
import dev.keycloaktwofactor.it.support.ui.ChromiumExtension;
import dev.keycloaktwofactor.it.support.ui.UiBrowser;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The login pages in a real browser: the QR code a phone would scan, the code pages of email and SMS with their
 * resend countdown, contact-the-administrator, the user's own phone confirmation, the switch to an app, and the
 * legacy "keycloak" login theme. Screenshots go to integration-tests/target/screenshots/.
 */
@ExtendWith(ChromiumExtension.class)
class LoginPagesUiIT {

    private static UiBrowser ui;
    private static final TwilioStub twilio = ExtraServerOptions.twilio();
    private static String code(TwilioStub.Received sms) {
        return sms.code();
    }

    private static TestRealm smsRealm(String prefix, int cooldown) {
        return TestRealm.withSms(prefix, Map.of("resendCooldownSeconds", cooldown));
    }

    /** The page as on a phone: nothing wider than the screen (no sideways scrolling), with a screenshot. */
    private static void fitsAPhone(String screenshot) {
        ui.phone();
        String wide = (String) ui.script("return Array.from(document.querySelectorAll('body *'))"
                + ".filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
                + ".map(e => e.tagName + '#' + e.id + '.' + e.className).join(', ');");
        assertThat(((Number) ui.script("return document.documentElement.scrollWidth;")).intValue())
                .as("fits a phone screen; too wide: " + wide).isLessThanOrEqualTo(390);
        ui.screenshot(screenshot);
        ui.desktop();
    }

    /** Waits for the resend button's countdown to reach zero, checking it ticks, and returns the seconds it took. */
    private static double countdown(WebElement resend) {
        long shownAt = System.nanoTime();
        int wait = Integer.parseInt(resend.getAttribute("data-resend-in"));
        assertThat(resend.isEnabled()).as("resend disabled while waiting").isFalse();
        String first = resend.getText();
        assertThat(first).isEqualTo("Send again in " + wait + " s");
        ui.until("the countdown ticks", d -> !resend.getText().equals(first));
        ui.until("the resend button is enabled", d -> resend.isEnabled());
        assertThat(resend.getText()).isEqualTo("Send again");
        double seconds = (System.nanoTime() - shownAt) / 1e9;
        assertThat(seconds).as("enabled after the server's wait of " + wait + " s").isBetween(wait - 1.2, wait + 1.5);
        return seconds;
    }

    private static boolean totpConfigured(TestRealm r, String userId) {
        return r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users/" + userId)).get("totpConfigured").asBoolean();
    }

    @Test
    @Tag("smoke")
    void aUserScansTheQrCodeFromThePageAndTheAppsCodeSignsThemIn() {
        TestRealm r = TestRealm.create("ui-totp");
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "totp")));
        String id = r.addUser("alice", "alice-pw");

        ui.open(r.authUrl());
        ui.visible("#kc-form-login");
        ui.screenshot("login-password");
        ui.signIn("alice", "alice-pw");

        WebElement qr = ui.visible(QrPage.QR);
        ui.until("the QR image is decoded", d -> Boolean.TRUE.equals(
                ui.script("return arguments[0].complete && arguments[0].naturalWidth > 0;", qr)));
        ui.screenshot("totp-enrollment");
        // what a phone camera sees: the rendered image, read back from the screen
        Totp app = Totp.fromUri(QrCode.decodePng(qr.getScreenshotAs(OutputType.BYTES)));
        assertThat(app.label()).isEqualTo(r.name + ":alice");
        assertThat(app.issuer()).isEqualTo(r.name);
        assertThat(Totp.base32(ui.find("#twofactor-secret").getText().replace(" ", ""))).isEqualTo(app.key());
        // a phone cannot scan its own screen: the same otpauth:// URI as a link
        WebElement openInApp = ui.find("a#twofactor-otpauth-link");
        assertThat(openInApp.getText()).isEqualTo("Open in authenticator app");
        assertThat(openInApp.getAttribute("href")).isEqualTo(QrCode.decodePng(qr.getScreenshotAs(OutputType.BYTES)));

        WebElement code = ui.find(CodePage.FIELD);
        assertThat(code.getAttribute("autocomplete")).isEqualTo("one-time-code");
        assertThat(code.getAttribute("inputmode")).isEqualTo("numeric");
        assertThat(ui.driver.switchTo().activeElement()).as("the code field has the focus").isEqualTo(code);
        // after the QR is read from the screen: axe switches to a phone's width and back
        ui.assertAccessible("QR enrolment");
        assertUsernameLabelled();
        code.sendKeys(app.now());
        ui.click("#kc-login");
        ui.awaitUrlStartingWith(TestRealm.REDIRECT_URI);
        assertThat(ui.url()).contains("code=");
        assertThat(totpConfigured(r, id)).isTrue();

        // the next sign-in asks for the app's code only
        ui.driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        ui.open(r.authUrl());
        ui.signIn("alice", "alice-pw");
        ui.visible(CodePage.FIELD);
        assertThat(ui.present(QrPage.QR)).isFalse();
        ui.screenshot("login-code-totp");
        ui.assertAccessible("app code page");
        // a wrong code: the PatternFly error markup, and still no violation
        ui.type(CodePage.FIELD, wrongCode(app));
        ui.click("#kc-login");
        ui.visible("#input-error-code");
        assertThat(ui.find(CodePage.FIELD).getAttribute("aria-invalid")).isEqualTo("true");
        ui.assertAccessible("app code page with an error");
        ui.type(CodePage.FIELD, app.next());
        ui.click("#kc-login");
        ui.awaitUrlStartingWith(TestRealm.REDIRECT_URI);
    }

    private static String wrongCode(Totp app) {
        java.util.Set<String> valid = java.util.Set.of(app.now(), app.next());
        return java.util.stream.Stream.of("000000", "111111", "222222").filter(c -> !valid.contains(c)).findFirst().orElseThrow();
    }

    /**
     * keycloak.v2 shows the user being signed in as a read-only field: on our pages its label names it. (The legacy
     * theme shows the name as text, with no field.)
     */
    private static void assertUsernameLabelled() {
        Object labels = ui.script("const f = document.getElementById('kc-attempted-username');"
                + " return f && f.tagName === 'INPUT' ? f.labels.length : -1;");
        if (((Number) labels).intValue() >= 0) {
            assertThat(((Number) labels).intValue()).as("labels of the username field").isEqualTo(1);
            assertThat(ui.find("#kc-attempted-username").getAccessibleName()).isNotBlank();
        }
    }

    @Test
    @Tag("smoke")
    void anEmailedCodeSignsInAndTheResendButtonCountsDownTheServersWait() {
        TestRealm r = TestRealm.create("ui-email");
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email", "resendCooldownSeconds", 3)));
        r.addUser("agent", "agent-pw");

        ui.open(r.authUrl());
        ui.signIn("agent", "agent-pw");
        WebElement resend = ui.visible("button[name=resend]");
        long shownAt = System.nanoTime();
        int wait = Integer.parseInt(resend.getAttribute("data-resend-in"));
        assertThat(wait).isBetween(1, 3);
        assertThat(resend.isEnabled()).as("resend disabled while waiting").isFalse();
        String first = resend.getText();
        assertThat(first).matches("Send again in [1-3] s");
        assertThat(ui.find("#twofactor-delivery-failed").isDisplayed())
                .as("no failure alert on the screen while the send is pending or done").isFalse();
        ui.screenshot("login-code-email");
        ui.phone();
        assertThat(((Number) ui.script("return document.documentElement.scrollWidth;")).intValue())
                .as("the code page fits a phone screen without zooming out").isLessThanOrEqualTo(390);
        ui.screenshot("login-code-email-phone");
        ui.desktop();

        ui.until("the countdown ticks", d -> !resend.getText().equals(first));
        assertThat(resend.getText()).matches("Send again in [12] s|Send again");
        ui.until("the resend button is enabled", d -> resend.isEnabled());
        double seconds = (System.nanoTime() - shownAt) / 1e9;
        assertThat(seconds).as("enabled after the server's wait").isBetween(wait - 1.2, wait + 1.5);
        assertThat(resend.getText()).isEqualTo("Send again");
        assertThat(ui.find("#twofactor-resend-status").getAttribute("textContent")).isNotBlank();
        assertThat(ui.find("#twofactor-delivery-failed").isDisplayed()).as("the code was sent: no failure alert").isFalse();
        ui.screenshot("login-code-email-resend-ready");
        ui.assertAccessible("email code page, resend ready");
        assertUsernameLabelled();

        String code = EmailCodes.nextCode(r, "agent");
        ui.type(CodePage.FIELD, code);
        ui.click("#kc-login");
        ui.awaitUrlStartingWith(TestRealm.REDIRECT_URI);
        assertThat(ui.url()).contains("code=");
    }

    @Test
    void aTextedCodeSignsInAndEachResendWaitsLongerOnTheCountdown() {
        TestRealm r = smsRealm("ui-sms", 2);
        String id = r.addUser("agent", "agent-pw");
        String phone = "+14155550161";
        r.admin.ok(r.admin.put("/" + r.name + "/twofactor/users/" + id + "/phone", Map.of("phoneNumber", phone)));
        r.admin.ok(r.admin.post("/" + r.name + "/twofactor/users/" + id + "/phone/confirm", null));
        int before = twilio.to(phone).size();

        ui.open(r.authUrl());
        ui.signIn("agent", "agent-pw");
        WebElement resend = ui.visible("button[name=resend]");
        TwilioStub.Received first = twilio.awaitTo(phone, before, Duration.ofSeconds(10));
        assertThat(ui.find("#twofactor-instruction").getText()).contains("0161").doesNotContain("4155550161");
        assertThat(resend.getAttribute("data-resend-in")).isIn("1", "2");
        ui.screenshot("login-code-sms");
        countdown(resend);

        // "Send again" at zero: a new text, and the next wait is twice the base
        ui.click("button[name=resend]");
        TwilioStub.Received second = twilio.awaitTo(phone, before + 1, Duration.ofSeconds(10));
        WebElement again = ui.visible("button[name=resend]");
        assertThat(Integer.parseInt(again.getAttribute("data-resend-in"))).as("second wait").isBetween(3, 4);
        assertThat(ui.find(".pf-v5-c-alert").getAttribute("class")).as("news, not an error").contains("pf-m-info");
        ui.screenshot("login-code-sms-resent");
        countdown(again);
        assertThat(twilio.to(phone)).hasSize(before + 2);
        ui.assertAccessible("SMS code page after a resend");

        ui.type(CodePage.FIELD, code(first));
        ui.click("#kc-login");
        ui.visible(CodePage.FIELD);
        assertThat(ui.url()).as("the first code died with the resend").doesNotStartWith(TestRealm.REDIRECT_URI);
        ui.type(CodePage.FIELD, code(second));
        ui.click("#kc-login");
        ui.awaitUrlStartingWith(TestRealm.REDIRECT_URI);
    }

    @Test
    void aUserWithNoNumberSeesContactTheAdministrator() {
        TestRealm r = smsRealm("ui-contact", 30);
        r.addUser("employee", "employee-pw");
        int before = twilio.received().size();

        ui.open(r.authUrl());
        ui.signIn("employee", "employee-pw");
        WebElement box = ui.visible("#twofactor-contact-admin");
        assertThat(box.getText()).contains("Contact the administrator");
        assertThat(ui.present(CodePage.FIELD)).isFalse();
        assertThat(ui.present("#twofactor-confirm-now")).as("no number on file: nothing to confirm").isFalse();
        ui.screenshot("contact-admin");
        ui.assertAccessible("contact the administrator");
        fitsAPhone("contact-admin-phone");
        assertThat(twilio.received()).hasSize(before);

        // "Back to sign in" starts over at the password form
        ui.click("a#twofactor-back-to-login");
        ui.visible("#kc-form-login");
    }

    @Test
    void aUserWhoseStoredNumberIsNotConfirmedPressesConfirmNowAndTheCodeSignsThemIn() {
        TestRealm r = smsRealm("ui-confirm-now", 2);
        String id = r.addUser("employee", "employee-pw");
        String phone = "+14155550164";
        r.admin.ok(r.admin.put("/" + r.name + "/twofactor/users/" + id + "/phone", Map.of("phoneNumber", phone)));
        int before = twilio.to(phone).size();

        ui.open(r.authUrl());
        ui.signIn("employee", "employee-pw");
        WebElement confirmNow = ui.visible("#twofactor-confirm-now");
        assertThat(confirmNow.getText()).isEqualTo("Confirm now");
        assertThat(ui.find("#twofactor-unconfirmed").getText()).contains("is not confirmed yet").contains("0164")
                .doesNotContain("4155550164");
        assertThat(ui.present(PhonePage.FIELD)).as("no number is typed on this path").isFalse();
        assertThat(ui.find("#twofactor-not-your-number").getText()).contains("Contact the administrator");
        ui.screenshot("confirm-now");
        ui.assertAccessible("Confirm now");
        fitsAPhone("confirm-now-phone");
        assertThat(twilio.to(phone)).as("nothing is texted before the button").hasSize(before);

        ui.click("#twofactor-confirm-now");
        WebElement resend = ui.visible("button[name=resend]");
        TwilioStub.Received sms = twilio.awaitTo(phone, before, Duration.ofSeconds(10));
        assertThat(sms.body()).contains("phone confirmation code");
        assertThat(ui.find("#kc-login").getText()).isEqualTo("Confirm phone");
        assertThat(ui.find("#twofactor-instruction").getText()).contains("0164").doesNotContain("4155550164");
        assertThat(resend.getAttribute("data-resend-in")).isIn("1", "2");
        ui.screenshot("confirm-now-code");
        ui.assertAccessible("Confirm now, code");

        ui.type(CodePage.FIELD, code(sms));
        ui.click("#kc-login");
        ui.awaitUrlStartingWith(TestRealm.REDIRECT_URI);
        assertThat(ui.url()).contains("code=");
        com.fasterxml.jackson.databind.JsonNode state = r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users/" + id));
        assertThat(state.get("phoneVerified").asBoolean()).isTrue();
        assertThat(state.get("phoneVerifiedBy").asText()).isEqualTo("self");
    }

    @Test
    void aUserConfirmsTheirOwnNumberBySmsAndSeesItConfirmed() {
        TestRealm r = TestRealm.create("ui-confirm-phone");
        r.admin.ok(r.putSettings(r.admin, Map.of("smsActivated", true)));
        r.admin.ok(r.putSettings(r.admin, Map.of("resendCooldownSeconds", 2)));
        String id = r.addUser("agent", "agent-pw");
        ui.open(r.authUrl());
        ui.signIn("agent", "agent-pw");
        ui.awaitUrlStartingWith(TestRealm.REDIRECT_URI);

        ui.open(r.authUrl() + "&kc_action=twofactor-confirm-phone");
        ui.visible(PhonePage.FIELD);
        ui.screenshot("confirm-phone-enter");
        fitsAPhone("confirm-phone-enter-phone");
        ui.assertAccessible("phone confirmation, enter a number");
        ui.type(PhonePage.FIELD, "8 916 12");
        ui.click("#twofactor-phone-send");
        assertThat(ui.visible("#input-error-phone").getText()).contains("international");
        // the code page's error markup (field, icon, helper text), and the number as typed, to correct
        assertThat(ui.find(PhonePage.FIELD).getDomProperty("value")).isEqualTo("8 916 12");
        assertThat(ui.find(PhonePage.FIELD).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(ui.find(PhonePage.FIELD).getAttribute("aria-describedby")).isEqualTo("input-error-phone");
        assertThat(ui.present(".pf-v5-c-form-control.pf-m-error input[name=phoneNumber]")).as("field marked").isTrue();
        assertThat(ui.present(".pf-v5-c-form-control.pf-m-error .pf-v5-c-form-control__icon.pf-m-status .fa-exclamation-circle"))
                .as("error icon").isTrue();
        assertThat(ui.present(".pf-v5-c-helper-text .pf-v5-c-helper-text__item.pf-m-error #input-error-phone")).as("helper text").isTrue();
        ui.screenshot("confirm-phone-error");
        ui.assertAccessible("phone confirmation with an error");

        String phone = "+14155550163";
        int before = twilio.to(phone).size();
        ui.type(PhonePage.FIELD, "+1 415 555 0163");
        ui.click("#twofactor-phone-send");
        WebElement resend = ui.visible("button[name=resend]");
        // the countdown is read first: on a loaded machine the SMS wait and the screenshot took over a second
        countdown(resend);
        TwilioStub.Received sms = twilio.awaitTo(phone, before, Duration.ofSeconds(10));
        assertThat(ui.find("#kc-login").getText()).isEqualTo("Confirm phone");
        ui.screenshot("confirm-phone-code");
        ui.assertAccessible("phone confirmation, code");

        ui.type(CodePage.FIELD, code(sms));
        ui.click("#kc-login");
        WebElement mark = ui.visible("#twofactor-phone-confirmed-mark");
        assertThat(mark.getText()).contains("Confirmed");
        assertThat(ui.find(".pf-v5-c-alert").getAttribute("class")).contains("pf-m-success");
        assertThat(ui.present(PhonePage.FIELD)).as("a confirmed number is locked").isFalse();
        ui.screenshot("confirm-phone-confirmed");
        ui.assertAccessible("phone confirmed");
        assertThat(ui.contrast("#twofactor-phone-confirmed-mark")).as("\u2713 Confirmed, with a margin over 4.5:1")
                .isGreaterThanOrEqualTo(4.8);
        fitsAPhone("confirm-phone-confirmed-phone");
        assertThat(r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users/" + id)).get("phoneVerified").asBoolean()).isTrue();

        // its owner unpins it, after a second step that says what follows (a form: no script needed)
        ui.click("#twofactor-phone-unpin");
        assertThat(ui.visible("#twofactor-unpin-question").getText()).isEqualTo("Unpin this number?");
        assertThat(ui.present(PhonePage.FIELD)).isFalse();
        ui.screenshot("confirm-phone-unpin-question");
        ui.assertAccessible("phone unpin question");
        assertThat(r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users/" + id)).get("phoneVerified").asBoolean())
                .as("nothing changes before the answer").isTrue();
        ui.click("#twofactor-phone-unpin-confirm");
        ui.visible(PhonePage.FIELD);
        assertThat(ui.find(".pf-v5-c-alert").getAttribute("class")).as("news, not an error").contains("pf-m-info");
        ui.screenshot("confirm-phone-unpinned");
        ui.assertAccessible("phone unpinned");
        assertThat(r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users/" + id)).get("phoneVerified").asBoolean()).isFalse();
    }

    @Test
    void aUserSwitchesFromEmailCodesToAnAppAndCompletesTheSetup() {
        TestRealm r = TestRealm.create("ui-setup-app");
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email", "resendCooldownSeconds", 1)));
        String id = r.addUser("agent", "agent-pw");
        ui.open(r.authUrl());
        ui.signIn("agent", "agent-pw");
        ui.type(CodePage.FIELD, EmailCodes.nextCode(r, "agent"));
        ui.click("#kc-login");
        ui.awaitUrlStartingWith(TestRealm.REDIRECT_URI);

        ui.open(r.authUrl() + "&kc_action=twofactor-setup-app");
        ui.visible(CodePage.FIELD);
        assertThat(ui.present(QrPage.QR)).as("no QR before the emailed code").isFalse();
        assertThat(ui.find("#kc-login").getText()).as("signed in already: not \"Sign in\"").isEqualTo("Continue");
        ui.screenshot("setup-app-email-code");
        ui.assertAccessible("setup app, emailed code");
        ui.type(CodePage.FIELD, EmailCodes.nextCode(r, "agent"));
        ui.click("#kc-login");

        WebElement qr = ui.visible(QrPage.QR);
        ui.until("the QR image is decoded", d -> Boolean.TRUE.equals(
                ui.script("return arguments[0].complete && arguments[0].naturalWidth > 0;", qr)));
        assertThat(ui.find("#kc-login").getText()).isEqualTo("Complete the setup");
        ui.screenshot("setup-app-qr");
        ui.assertAccessible("setup app, QR");
        Totp app = Totp.fromUri(QrCode.decodePng(qr.getScreenshotAs(OutputType.BYTES)));
        ui.type(CodePage.FIELD, app.now());
        ui.click("#kc-login");
        ui.awaitUrlStartingWith(TestRealm.REDIRECT_URI);
        assertThat(ui.url()).contains("kc_action_status=success");
        assertThat(totpConfigured(r, id)).isTrue();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "login theme {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"keycloak.v2", "keycloak"})
    void everyPageOfOursFitsAPhoneUnderBothLoginThemes(String theme) {
        TestRealm r = TestRealm.create("ui-pages");
        r.admin.ok(r.admin.put("/" + r.name, Map.of("loginTheme", theme)));
        r.admin.ok(r.putSettings(r.admin, Map.of("smsActivated", true)));
        String withPhone = r.addUser("texted", "texted-pw");
        r.admin.ok(r.admin.put("/" + r.name + "/twofactor/users/" + withPhone + "/phone", Map.of("phoneNumber", "+14155550171")));
        r.admin.ok(r.admin.post("/" + r.name + "/twofactor/users/" + withPhone + "/phone/confirm", null));
        String failing = r.addUser("unlucky", "unlucky-pw");
        r.admin.ok(r.admin.put("/" + r.name + "/twofactor/users/" + failing + "/phone", Map.of("phoneNumber", "+14155550500")));
        r.admin.ok(r.admin.post("/" + r.name + "/twofactor/users/" + failing + "/phone/confirm", null));
        r.addUser("scanner", "scanner-pw");
        r.addUser("nophone", "nophone-pw");
        String unconfirmed = r.addUser("unconfirmed", "unconfirmed-pw");
        r.admin.ok(r.admin.put("/" + r.name + "/twofactor/users/" + unconfirmed + "/phone", Map.of("phoneNumber", "+14155550172")));
        r.addUser("mail", "mail-pw");
        r.addUser("confirmer", "confirmer-pw");
        String t = theme.replace('.', '-');

        r.admin.ok(r.putSettings(r.admin, Map.of("method", "totp")));
        pageAfterPassword(r, "scanner", QrPage.QR, t + "-totp-enrollment");
        assertThat(ui.find("#twofactor-secret").getText()).isNotBlank();

        r.admin.ok(r.putSettings(r.admin, Map.of("method", "sms", "resendCooldownSeconds", 30)));
        pageAfterPassword(r, "nophone", "#twofactor-contact-admin", t + "-contact-admin");
        pageAfterPassword(r, "unconfirmed", "#twofactor-confirm-now", t + "-confirm-now");
        pageAfterPassword(r, "texted", "button[name=resend][data-resend-in]", t + "-sms-code");
        // the text goes out after the page: the page's own poll shows the failure and enables "Send again"
        pageAfterPassword(r, "unlucky", "#twofactor-delivery-failed", t + "-gateway-failed");
        assertThat(ui.find("#twofactor-delivery-failed").getText()).contains("could not send the code");
        assertThat(ui.find("button[name=resend]").isEnabled()).isTrue();

        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email")));
        pageAfterPassword(r, "mail", CodePage.FIELD, t + "-email-code");

        r.admin.ok(r.putSettings(r.admin, Map.of("method", "none")));
        ui.forgetEverything();
        ui.open(r.authUrl());
        ui.signIn("confirmer", "confirmer-pw");
        ui.awaitUrlStartingWith(TestRealm.REDIRECT_URI);
        ui.open(r.authUrl() + "&kc_action=twofactor-confirm-phone");
        ui.visible(PhonePage.FIELD);
        fitsAPhone(t + "-confirm-phone");
        ui.assertAccessible(theme + ": phone confirmation");
        assertUsernameLabelled();
        // what was typed comes back as typed, as text: never as markup
        String typed = "12\"><b id=\"tf-injected\">x</b>";
        ui.type(PhonePage.FIELD, typed);
        ui.click("#twofactor-phone-send");
        ui.visible("#input-error-phone");
        assertThat(ui.find(PhonePage.FIELD).getDomProperty("value")).as("kept as typed").isEqualTo(typed);
        assertThat(ui.present("#tf-injected")).as("escaped").isFalse();
        ui.assertAccessible(theme + ": phone confirmation with an error");
    }

    /** Signs in with a fresh browser and checks the page that follows the password on a phone-sized screen. */
    private static void pageAfterPassword(TestRealm r, String username, String expect, String screenshot) {
        ui.forgetEverything();
        ui.desktop();
        ui.open(r.authUrl());
        ui.signIn(username, username + "-pw");
        ui.visible(expect);
        fitsAPhone(screenshot + "-phone");
        ui.assertAccessible(screenshot);
        assertUsernameLabelled();
    }

    @Test
    void theCodePageWorksUnderTheLegacyKeycloakLoginTheme() {
        TestRealm r = TestRealm.create("ui-legacy");
        r.admin.ok(r.admin.put("/" + r.name, Map.of("loginTheme", "keycloak")));
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email", "resendCooldownSeconds", 30)));
        r.addUser("agent", "agent-pw");

        ui.open(r.authUrl());
        ui.signIn("agent", "agent-pw");
        WebElement code = ui.visible(CodePage.FIELD);
        assertThat(ui.driver.getPageSource()).as("the legacy theme is in use").contains("/login/keycloak/");
        assertThat(ui.find("button[name=resend]").isEnabled()).isFalse();
        assertThat(ui.find("#twofactor-delivery-failed").isDisplayed()).as("no failure alert under the legacy theme").isFalse();
        ui.screenshot("legacy-theme-code-page");
        ui.assertAccessible("legacy theme: email code page");

        // a wrong code keeps the page with an error, the right one signs in
        String right = EmailCodes.nextCode(r, "agent");
        code.sendKeys("000000".equals(right) ? "111111" : "000000");
        ui.click("#kc-login");
        ui.visible(CodePage.FIELD);
        assertThat(ui.url()).doesNotStartWith(TestRealm.REDIRECT_URI);
        ui.screenshot("legacy-theme-code-page-error");
        ui.assertAccessible("legacy theme: email code page with an error");
        ui.type(CodePage.FIELD, right);
        ui.click("#kc-login");
        ui.awaitUrlStartingWith(TestRealm.REDIRECT_URI);
    }
}
