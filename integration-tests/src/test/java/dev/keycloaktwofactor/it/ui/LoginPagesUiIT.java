package dev.keycloaktwofactor.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The login pages in a real browser: the QR code a phone would scan, the code page with its resend countdown,
 * and the legacy "keycloak" login theme. Screenshots go to integration-tests/target/screenshots/.
 */
class LoginPagesUiIT {

    private static UiBrowser ui;

    @BeforeAll
    static void startBrowser() {
        ui = UiBrowser.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (ui != null) {
            ui.close();
        }
    }

    @BeforeEach
    void freshBrowser() {
        ui.forgetEverything();
        ui.desktop();
    }

    @org.junit.jupiter.api.AfterEach
    void noConsoleErrors() {
        ui.assertNoConsoleErrors();
    }

    private static boolean totpConfigured(TestRealm r, String userId) {
        return r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users/" + userId)).get("totpConfigured").asBoolean();
    }

    @Test
    void aUserScansTheQrCodeFromThePageAndTheAppsCodeSignsThemIn() {
        TestRealm r = TestRealm.create("ui-totp");
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "totp")));
        String id = r.addUser("alice", "alice-pw");

        ui.open(r.authUrl());
        ui.visible("#kc-form-login");
        ui.screenshot("login-password");
        ui.signIn("alice", "alice-pw");

        WebElement qr = ui.visible("img#twofactor-qr");
        ui.until("the QR image is decoded", d -> Boolean.TRUE.equals(
                ui.script("return arguments[0].complete && arguments[0].naturalWidth > 0;", qr)));
        ui.screenshot("totp-enrollment");
        // what a phone camera sees: the rendered image, read back from the screen
        Totp app = Totp.fromUri(QrCode.decodePng(qr.getScreenshotAs(OutputType.BYTES)));
        assertThat(app.label()).isEqualTo(r.name + ":alice");
        assertThat(app.issuer()).isEqualTo(r.name);
        assertThat(Totp.base32(ui.find("#twofactor-secret").getText().replace(" ", ""))).isEqualTo(app.key());

        WebElement code = ui.find("input[name=code]");
        assertThat(code.getAttribute("autocomplete")).isEqualTo("one-time-code");
        assertThat(code.getAttribute("inputmode")).isEqualTo("numeric");
        assertThat(ui.driver.switchTo().activeElement()).as("the code field has the focus").isEqualTo(code);
        code.sendKeys(app.now());
        ui.click("#kc-login");
        ui.awaitUrlStartingWith(TestRealm.REDIRECT_URI);
        assertThat(ui.url()).contains("code=");
        assertThat(totpConfigured(r, id)).isTrue();

        // the next sign-in asks for the app's code only
        ui.driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        ui.open(r.authUrl());
        ui.signIn("alice", "alice-pw");
        ui.visible("input[name=code]");
        assertThat(ui.present("img#twofactor-qr")).isFalse();
        ui.screenshot("login-code-totp");
        ui.type("input[name=code]", app.next());
        ui.click("#kc-login");
        ui.awaitUrlStartingWith(TestRealm.REDIRECT_URI);
    }

    @Test
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
        ui.screenshot("login-code-email-resend-ready");

        String code = EmailCodes.code(EmailCodes.next(r, "agent"));
        ui.type("input[name=code]", code);
        ui.click("#kc-login");
        ui.awaitUrlStartingWith(TestRealm.REDIRECT_URI);
        assertThat(ui.url()).contains("code=");
    }

    @Test
    void theCodePageWorksUnderTheLegacyKeycloakLoginTheme() {
        TestRealm r = TestRealm.create("ui-legacy");
        r.admin.ok(r.admin.put("/" + r.name, Map.of("loginTheme", "keycloak")));
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email", "resendCooldownSeconds", 30)));
        r.addUser("agent", "agent-pw");

        ui.open(r.authUrl());
        ui.signIn("agent", "agent-pw");
        WebElement code = ui.visible("input[name=code]");
        assertThat(ui.driver.getPageSource()).as("the legacy theme is in use").contains("/login/keycloak/");
        assertThat(ui.find("button[name=resend]").isEnabled()).isFalse();
        ui.screenshot("legacy-theme-code-page");

        // a wrong code keeps the page with an error, the right one signs in
        String right = EmailCodes.code(EmailCodes.next(r, "agent"));
        code.sendKeys("000000".equals(right) ? "111111" : "000000");
        ui.click("#kc-login");
        ui.visible("input[name=code]");
        assertThat(ui.url()).doesNotStartWith(TestRealm.REDIRECT_URI);
        ui.screenshot("legacy-theme-code-page-error");
        ui.type("input[name=code]", right);
        ui.click("#kc-login");
        ui.awaitUrlStartingWith(TestRealm.REDIRECT_URI);
    }
}
