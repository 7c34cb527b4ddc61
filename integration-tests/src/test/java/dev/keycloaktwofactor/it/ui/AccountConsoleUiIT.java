package dev.keycloaktwofactor.it.ui;

import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.EmailCodes;
import dev.keycloaktwofactor.it.support.KeycloakServer;
import dev.keycloaktwofactor.it.support.QrPage;
import dev.keycloaktwofactor.it.support.TestRealm;
import dev.keycloaktwofactor.it.support.ui.ChromiumExtension;
import dev.keycloaktwofactor.it.support.ui.UiBrowser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo realm as a new user meets it: sign in to Keycloak's own account console with the emailed code, and land on
 * the console itself (its Personal info page), not on "Something went wrong" — which is what users without the
 * realm's default roles get (the account console's API answers them 401).
 */
@ExtendWith(ChromiumExtension.class)
class AccountConsoleUiIT {

    private static final String REALM = "twofactor-demo";
    private static UiBrowser ui;
    private final KeycloakServer kc = KeycloakServer.get();

    @BeforeAll
    static void configureMail() {
        // realm-config/ points at run-demo.sh's mail catcher; here the suite's catcher takes the mail
        KeycloakServer kc = KeycloakServer.get();
        AdminClient admin = AdminClient.master(kc);
        admin.ok(admin.put("/" + REALM, Map.of("smtpServer", Map.of("host", "127.0.0.1",
                "port", String.valueOf(kc.mail().smtpPort()), "from", "keycloak@twofactor-demo.test"))));
    }

    @Test
    void aDemoUserSignsInToTheAccountConsoleWithTheEmailedCodeAndSeesTheirPersonalInfo() {
        ui.open(kc.baseUrl() + "/realms/" + REALM + "/account/");
        ui.visible("#kc-form-login");
        ui.signIn("employee", "employee");
        ui.visible(CodePage.FIELD);
        String code = EmailCodes.code(kc.mail().awaitMessageTo("employee@twofactor-demo.test", Duration.ofSeconds(20)));
        ui.type(CodePage.FIELD, code);
        ui.click("#kc-login");

        // the console's own Personal info form, filled from the account API
        ui.until("the account console shows the user's email", d -> ui.present("input#email")
                && "employee@twofactor-demo.test".equals(ui.find("input#email").getAttribute("value")));
        assertThat(ui.find("input#username").getAttribute("value")).isEqualTo("employee");
        assertThat(ui.find("body").getText()).contains("Personal info").doesNotContain("Something went wrong");
        ui.screenshot("account-console-personal-info");

        // "Signing in" offers the switch to an authenticator app (twofactor-setup-app), which starts with an email code
        ui.open(kc.baseUrl() + "/realms/" + REALM + "/account/account-security/signing-in");
        setUp("Switch to an authenticator app");
        ui.screenshot("account-console-signing-in");
        assertThat(ui.find("body").getText()).doesNotContain("Something went wrong");
        ui.driver.findElement(By.xpath(SET_UP_LINK.formatted("Switch to an authenticator app"))).click();
        ui.until("the switch asks for a code sent by email first", d -> ui.present(CodePage.FIELD));
        assertThat(ui.present(QrPage.QR)).as("no QR before the email code").isFalse();
        assertThat(ui.find("body").getText()).contains("e***e@twofactor-demo.test");
    }

    @Test
    void theSigningInPageOffersThePhoneWhereTextsCanBeSentAndLeadsToItsConfirmation() {
        TestRealm r = TestRealm.create("ui-account-phone");
        r.admin.ok(r.putSettings(r.admin, Map.of("smsActivated", true)));
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email")));
        r.addUser("agent", "agent-pw");

        ui.open(kc.baseUrl() + "/realms/" + r.name + "/account/account-security/signing-in");
        ui.visible("#kc-form-login");
        ui.signIn("agent", "agent-pw");
        ui.visible(CodePage.FIELD);
        ui.type(CodePage.FIELD, EmailCodes.nextCode(r, "agent"));
        ui.click("#kc-login");
        setUp("Phone for sign-in codes");
        ui.screenshot("account-console-signing-in-phone");
        // the console scrolls inside its own pane: bring our two entries into the picture (README)
        ui.script("arguments[0].scrollIntoView({block: 'center'});",
                ui.driver.findElement(By.xpath(SET_UP_LINK.formatted("Switch to an authenticator app"))));
        ui.screenshot("account-console-signing-in-entries");
        ui.driver.findElement(By.xpath(SET_UP_LINK.formatted("Phone for sign-in codes"))).click();
        ui.until("the phone page of twofactor-confirm-phone", d -> ui.present("input#phoneNumber"));
        assertThat(ui.present("#twofactor-phone-send")).isTrue();

        // where SMS is not activated, the console does not offer the phone at all
        TestRealm off = TestRealm.create("ui-account-no-sms");
        off.admin.ok(off.putSettings(off.admin, Map.of("method", "email")));
        off.addUser("agent", "agent-pw");
        ui.forgetEverything();
        ui.open(kc.baseUrl() + "/realms/" + off.name + "/account/account-security/signing-in");
        ui.visible("#kc-form-login");
        ui.signIn("agent", "agent-pw");
        ui.visible(CodePage.FIELD);
        ui.type(CodePage.FIELD, EmailCodes.nextCode(off, "agent"));
        ui.click("#kc-login");
        setUp("Switch to an authenticator app");
        assertThat(ui.find("body").getText()).doesNotContain("Phone for sign-in codes");
    }

    /** The console's own link text for a credential type with a set-up action: "Set up {display name}". */
    private static final String SET_UP_LINK = "//*[self::a or self::button][normalize-space(.)='Set up %s']";

    private static void setUp(String displayName) {
        ui.until("the Signing in page offers to set up " + displayName,
                d -> !d.findElements(By.xpath(SET_UP_LINK.formatted(displayName))).isEmpty());
    }
}
