package dev.keycloaktwofactor.it.ui;

import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.KeycloakServer;
import dev.keycloaktwofactor.it.support.QrPage;
import dev.keycloaktwofactor.it.support.TestRealm;
import dev.keycloaktwofactor.it.support.Totp;
import dev.keycloaktwofactor.it.support.ui.ChromiumExtension;
import dev.keycloaktwofactor.it.support.ui.SecurityPage;
import dev.keycloaktwofactor.it.support.ui.UiBrowser;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin Security page at /realms/{realm}/twofactor-admin/ in a real browser: the admin signs in through
 * Keycloak's login page (code flow with PKCE), changes the realm's settings, signs everybody out, and manages
 * users' phones and devices. Screenshots go to integration-tests/target/screenshots/.
 */
@ExtendWith(ChromiumExtension.class)
class SecurityPageUiIT {

    private static UiBrowser ui;

    /** Opens the page, which sends the browser to Keycloak's login form, and signs in there. */
    private static SecurityPage signInToPage(String realm, String username, String password) {
        SecurityPage page = SecurityPage.open(ui, realm);
        assertThat(ui.url()).contains("/realms/" + realm + "/protocol/openid-connect/auth")
                .contains("client_id=twofactor-admin").contains("code_challenge_method=S256");
        ui.signIn(username, password);
        page.awaitReady();
        assertThat(ui.url()).as("the code left the address bar").isEqualTo(SecurityPage.url(realm));
        return page;
    }

    private static String value(String css) {
        return ui.find(css).getDomProperty("value");
    }

    private static String activeId() {
        return ui.driver.switchTo().activeElement().getAttribute("id");
    }

    private static TestRealm realmWithAdmin(String prefix) {
        TestRealm r = TestRealm.create(prefix);
        r.makeRealmAdmin(r.addUser("boss", "boss-pw"));
        return r;
    }

    @Test
    @Tag("smoke")
    void aRealmAdminTurnsOnEmailCodesAfterTheWarningAndSeesWhatWasSaved() {
        TestRealm r = realmWithAdmin("ui-settings");
        r.addUser("agent", "agent-pw");
        JsonNode agent = r.admin.ok(r.directGrant("agent", "agent-pw"));

        SecurityPage page = signInToPage(r.name, "boss", "boss-pw");
        assertThat(ui.find("#who").getText()).isEqualTo("boss");
        assertThat(ui.find("#masthead-realm").getText()).contains(r.name);
        assertThat(ui.find("#realm-picker").isDisplayed()).as("a realm admin has no realm picker").isFalse();
        assertThat(ui.find("#method-none").isSelected()).isTrue();
        assertThat(value("#codeLength")).isEqualTo("6");
        assertThat(value("#codeTtlSeconds")).isEqualTo("300");
        assertThat(value("#resendCooldownSeconds")).isEqualTo("30");
        assertThat(value("#maxResends")).isEqualTo("5");
        assertThat(value("#maxCodeAttempts")).isEqualTo("5");
        assertThat(ui.find("#allowAppOptIn").isSelected()).isTrue();
        assertThat(value("#ipAllowlist")).isEmpty();
        assertThat(ui.find("#firstEnabledAt").getText()).isEqualTo("Never");
        assertThat(ui.find("#method-sms").isEnabled()).as("SMS is not activated for the realm").isFalse();
        assertThat(ui.find("#sms-reason").getText()).contains("not activated");
        assertThat(ui.find("#smsActivated").isEnabled()).as("only a master-realm admin changes smsActivated").isFalse();
        assertThat(ui.find("#sms-activated-note").getText()).contains("master realm");
        ui.screenshot("security-page");
        ui.assertAccessible("Security page");
        assertThat(ui.contrast("[data-i18n=pageIntro]")).as("the intro text, with a margin over 4.5:1").isGreaterThanOrEqualTo(4.8);

        page.chooseMethod("email");
        ui.type("#codeLength", "8");
        page.save();
        WebElement dialog = page.confirmDialog();
        assertThat(dialog.getText()).contains("every user of the realm except you will be signed out");
        assertThat(activeId()).as("the dialog starts on Cancel").isEqualTo("confirm-cancel");
        ui.viewport("security-page-first-enable-dialog");
        ui.assertAccessible("first-enable dialog");
        page.confirm();
        WebElement saved = ui.visible("#save-message");
        assertThat(saved.getText()).startsWith("Saved.").contains("Users signed out: 1");

        JsonNode settings = r.settings();
        assertThat(settings.get("method").asText()).isEqualTo("email");
        assertThat(settings.get("codeLength").asInt()).isEqualTo(8);
        assertThat(settings.get("firstEnabledAt").isNull()).isFalse();
        assertThat(r.userinfo(agent.get("access_token").asText()).status()).as("the agent was signed out").isEqualTo(401);

        page.reload();
        assertThat(ui.find("#method-email").isSelected()).isTrue();
        assertThat(value("#codeLength")).isEqualTo("8");
        assertThat(ui.find("#firstEnabledAt").getText()).isNotEqualTo("Never");

        // a value out of range: the page's words for the server's code, next to the field, and nothing saved
        ui.type("#codeLength", "42");
        page.save();
        WebElement error = ui.visible("#err-codeLength");
        assertThat(error.getText()).isEqualTo("Code length: a whole number from 6 to 10.");
        assertThat(ui.find("#codeLength").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(activeId()).isEqualTo("codeLength");
        assertThat(ui.find("#confirm-dialog").isDisplayed()).as("no warning once 2FA was enabled before").isFalse();
        assertThat(ui.find("#save-message").getText()).startsWith("Nothing was saved");
        ui.screenshot("security-page-field-error");
        ui.assertAccessible("Security page with a field error");
        ui.click("#revert");
        assertThat(value("#codeLength")).isEqualTo("8");
        assertThat(ui.present("#err-codeLength:not([hidden])")).isFalse();

        ui.type("#ipAllowlist", "127.0.0.0/8\n300.1.2.3/8");
        page.save();
        assertThat(ui.visible("#err-ipAllowlist").getText()).startsWith("Invalid entry in the allowed IP addresses: 300.1.2.3/8.");
        assertThat(r.settings().get("ipAllowlist")).isEmpty();
        assertThat(r.settings().get("codeLength").asInt()).isEqualTo(8);

        ui.click("#revert");
        ui.phone();
        assertThat(((Number) ui.script("return document.documentElement.scrollWidth;")).intValue())
                .as("nothing wider than a phone's screen").isLessThanOrEqualTo(390);
        ui.screenshot("security-page-phone");
    }

    @Test
    void theAdminConsoleListsThePageAsAClientsHomeUrlOnceTwoFactorIsOn() {
        TestRealm r = TestRealm.create("ui-console-link");
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email")));
        ui.open(KeycloakServer.get().baseUrl() + "/admin/master/console/#/" + r.name + "/clients");
        ui.visible("#kc-form-login");
        ui.signIn(KeycloakServer.ADMIN_USER, KeycloakServer.ADMIN_PASSWORD);
        WebElement link = ui.visible("a[href$='/realms/" + r.name + "/twofactor-admin/']");
        ui.screenshot("admin-console-clients-link");
        link.click();
        java.util.List<String> tabs = new java.util.ArrayList<>(ui.driver.getWindowHandles());
        ui.driver.switchTo().window(tabs.get(tabs.size() - 1));
        ui.until("the Security page opens from the console", d -> ui.url().contains("/realms/" + r.name + "/"));
        assertThat(ui.url()).satisfiesAnyOf(
                u -> assertThat(u).startsWith(SecurityPage.url(r.name)),
                u -> assertThat(u).contains("client_id=twofactor-admin"));
        if (tabs.size() > 1) {
            ui.driver.close();
            ui.driver.switchTo().window(tabs.get(0));
        }
    }

    @Test
    void deauthorizeAsksFirstThenSignsEverybodyElseOut() {
        TestRealm r = realmWithAdmin("ui-deauth");
        r.addUser("agent", "agent-pw");
        JsonNode agent = r.admin.ok(r.directGrant("agent", "agent-pw"));
        SecurityPage page = signInToPage(r.name, "boss", "boss-pw");

        ui.find("#deauthorize").sendKeys(Keys.ENTER);
        page.confirmDialog();
        ui.viewport("deauthorize-dialog");
        ui.assertAccessible("deauthorize dialog");
        ui.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        ui.until("Escape closes the dialog", d -> !ui.find("#confirm-dialog").isDisplayed());
        assertThat(activeId()).as("focus returns to the button").isEqualTo("deauthorize");
        assertThat(r.userinfo(agent.get("access_token").asText()).status()).as("nothing happened").isEqualTo(200);

        page.deauthorize();
        WebElement message = page.deauthorizeMessage();
        assertThat(message.getText()).isEqualTo("Users have been successfully deauthorized");
        assertThat(ui.find("#deauthorize-status").getText()).contains("Users signed out: 1");
        assertThat(r.userinfo(agent.get("access_token").asText()).status()).isEqualTo(401);
        assertThat(r.refresh(agent.get("refresh_token").asText()).status()).isEqualTo(400);
        ui.screenshot("deauthorized");
        ui.assertAccessible("Security page after deauthorize");

        // the admin stays signed in: the page still reads the realm
        page.search();
        ui.until("the users are listed", d -> page.userRows() == 2);

        // and in Russian
        page.language("ru");
        assertThat(ui.find("#deauthorize").getText()).isEqualTo("Деавторизовать");
        page.deauthorize();
        ui.until("the Russian message", d -> "Пользователи успешно деавторизованы".equals(ui.find("#deauthorize-message").getText()));
        ui.screenshot("deauthorized-ru");
        ui.assertAccessible("Security page in Russian");
        page.language("en");
        assertThat(ui.find("#deauthorize-message").getText()).as("the banner follows the language")
                .isEqualTo("Users have been successfully deauthorized");

        // the banner can be closed; the keyboard stays in its card
        WebElement close = ui.find("#deauthorize-status .alert-close");
        assertThat(close.getAttribute("aria-label")).isEqualTo("Close this message");
        close.click();
        ui.until("the banner is gone", d -> !ui.present("#deauthorize-message"));
        assertThat(activeId()).isEqualTo("sessions-title");
    }

    @Test
    void resetDeviceFromTheTableRemovesTheUsersAuthenticatorApp() {
        TestRealm r = realmWithAdmin("ui-reset");
        String daveId = r.addUser("dave", "dave-pw");
        // dave sets up an app (over HTTP), then the realm goes back to password-only for the admin's sign-in
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "totp")));
        Browser http = r.browser();
        Browser.Page qrPage = r.signIn(http, "dave", "dave-pw");
        Totp app = QrPage.scan(qrPage);
        assertThat(CodePage.submit(http, qrPage, app.now()).isRedirectToClient()).isTrue();
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "none")));

        SecurityPage page = signInToPage(r.name, "boss", "boss-pw");
        WebElement dave = page.row("dave");
        assertThat(dave.getText()).contains("Set up");
        WebElement reset = ui.find(page.rowCss("dave") + "button.reset-device");
        assertThat(reset.isEnabled()).isTrue();
        assertThat(ui.find(page.rowCss("boss") + "button.reset-device").isEnabled()).as("boss has no app").isFalse();
        ui.element("users-table", "#users-card");
        ui.assertAccessible("users table with a device to reset");
        reset.click();
        assertThat(page.confirmDialog().getText()).contains("dave").contains("stops working at once");
        ui.viewport("reset-device-dialog");
        ui.assertAccessible("reset-device dialog");
        page.confirm();
        ui.until("the table shows the reset", d -> ui.find(page.rowCss("dave") + "button.reset-device").getAttribute("disabled") != null);
        assertThat(page.row("dave").getText()).contains("Not set up");
        assertThat(ui.find("#users-status").getText()).contains("dave");
        assertThat(ui.script("return document.getElementById('users-card').contains(document.activeElement);"))
                .as("the keyboard focus stays with the users").isEqualTo(true);
        assertThat(r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users/" + daveId)).get("totpConfigured").asBoolean()).isFalse();
    }

    @Test
    void aUserLockedByWrongCodesIsShownAndUnlockedFromTheTable() {
        TestRealm r = realmWithAdmin("ui-unlock");
        String daveId = r.addUser("dave", "dave-pw");
        // dave sets up an app, then one wrong code (the realm's cap is 1) locks his second factor
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "totp", "maxCodeAttempts", 1)));
        Browser http = r.browser();
        Browser.Page qrPage = r.signIn(http, "dave", "dave-pw");
        Totp app = QrPage.scan(qrPage);
        assertThat(CodePage.submit(http, qrPage, app.now()).isRedirectToClient()).isTrue();
        Browser again = r.browser();
        Browser.Page codePage = r.signIn(again, "dave", "dave-pw");
        long now = System.currentTimeMillis() / 1000;
        java.util.List<String> window = java.util.List.of(app.now(), app.next(), app.codeAt(now - app.period()));
        String wrong = java.util.stream.IntStream.range(0, 10).mapToObj(i -> String.format("%06d", (i * 99991 + 4242) % 1_000_000))
                .filter(c -> !window.contains(c)).findFirst().orElseThrow();
        assertThat(CodePage.submit(again, codePage, wrong).doc().text()).contains("Too many wrong codes");
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "none")));

        SecurityPage page = signInToPage(r.name, "boss", "boss-pw");
        assertThat(page.row("dave").getText()).contains("Locked until");
        assertThat(page.row("boss").getText()).doesNotContain("Locked until");
        ui.element("users-table-locked", "#users-card");
        ui.click(page.rowCss("dave") + "button[data-action='unlock']");
        ui.until("the table shows the lock lifted", d -> !page.row("dave").getText().contains("Locked until"));
        assertThat(ui.find("#users-status").getText()).contains("dave");
        assertThat(r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users/" + daveId)).get("lockedUntil").isNull()).isTrue();
    }

    @Test
    void theUsersTableSearchesAndPages() {
        TestRealm r = realmWithAdmin("ui-users");
        for (int i = 1; i <= 25; i++) {
            r.addUser(String.format("pager-%02d", i), "pw-" + i);
        }
        SecurityPage page = signInToPage(r.name, "boss", "boss-pw");
        ui.until("a first page of 20", d -> page.userRows() == 20);
        assertThat(ui.find("#users-range").getText()).isEqualTo("1–20 of 26");
        assertThat(ui.find("#users-prev").isEnabled()).isFalse();
        assertThat(ui.find("#users-next").isEnabled()).isTrue();
        ui.element("users-table-page-1", "#users-card");
        ui.assertAccessible("users table, first page");

        ui.click("#users-next");
        ui.until("the second page", d -> page.userRows() == 6);
        assertThat(ui.find("#users-range").getText()).isEqualTo("21–26 of 26");
        assertThat(ui.find("#users-next").isEnabled()).isFalse();
        assertThat(activeId()).as("focus stays on the pager").isIn("users-next", "users-prev");
        ui.click("#users-prev");
        ui.until("back to the first page", d -> page.userRows() == 20);

        ui.type("#user-search", "pager-07");
        ui.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        ui.until("one match", d -> page.userRows() == 1);
        assertThat(page.row("pager-07").getText()).contains("pager-07@" + r.name);
        assertThat(ui.find("#users-next").isEnabled()).isFalse();

        page.search("nobody-is-called-this");
        ui.until("no match", d -> page.userRows() == 0);
        assertThat(ui.find("#users-body").getText()).contains("No users match");
        ui.assertAccessible("users table, no match");

        page.search("");
        ui.until("all again", d -> page.userRows() == 20);
        ui.phone();
        assertThat(((Number) ui.script("return document.documentElement.scrollWidth;")).intValue())
                .as("nothing wider than a phone's screen").isLessThanOrEqualTo(390);
        ui.element("users-table-phone", "#users-card");
    }

    @Test
    void phoneNumbersAreAttachedConfirmedAndRemovedFromTheTable() {
        TestRealm r = realmWithAdmin("ui-phones");
        String carolId = r.addUser("carol", "carol-pw");
        SecurityPage page = signInToPage(r.name, "boss", "boss-pw");

        assertThat(page.row("carol").getText()).contains("No number");
        page.openPhoneDialog("carol");
        assertThat(activeId()).isEqualTo("phone-input");
        page.savePhone("0044 12");
        WebElement error = ui.visible("#phone-error");
        assertThat(error.getText()).as("the server's words for a bad number").isNotBlank();
        assertThat(ui.find("#phone-dialog").isDisplayed()).isTrue();
        ui.viewport("phone-dialog-error");
        ui.assertAccessible("phone dialog with an error");

        page.savePhone("+14155550100");
        page.awaitPhoneDialogClosed();
        WebElement confirm = ui.visible(page.rowCss("carol") + "button[data-action=phone-confirm]");
        assertThat(confirm.getAttribute("title")).contains("without an SMS code");
        // the admin who typed the number (and may view users) sees it in full, as in Keycloak's own user pages
        assertThat(ui.find(page.rowCss("carol") + ".phone-number").getText()).isEqualTo("+14155550100");
        ui.element("users-table-phone-unconfirmed", "#users-card");
        ui.assertAccessible("users table, unconfirmed number");

        confirm.click();
        page.confirmDialog();
        page.confirm();
        ui.visible(page.rowCss("carol") + ".phone-confirmed");
        assertThat(ui.present(page.rowCss("carol") + "button[data-action=phone-confirm]")).isFalse();
        JsonNode carol = r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users/" + carolId));
        assertThat(carol.get("phoneVerified").asBoolean()).isTrue();
        assertThat(carol.get("phoneVerifiedBy").asText()).isEqualTo("admin");
        ui.element("users-table-phone-confirmed", "#users-card");
        ui.assertAccessible("users table, confirmed number");
        assertThat(ui.contrast(page.rowCss("carol") + ".phone-confirmed")).as("\u2713 Confirmed, with a margin over 4.5:1")
                .isGreaterThanOrEqualTo(4.8);

        // an admin's own number is confirmed by SMS only: Confirm is off, and the reason is visible text beside it
        ui.click(page.rowCss("boss") + "button[data-action=phone-edit]");
        page.savePhone("+14155550111");
        page.awaitPhoneDialogClosed();
        WebElement own = ui.visible(page.rowCss("boss") + "button[data-action=phone-confirm]");
        assertThat(own.isEnabled()).as("Confirm on the admin's own number").isFalse();
        WebElement reason = ui.visible(page.rowCss("boss") + ".own-number-reason");
        assertThat(reason.getText()).isEqualTo("Your own number: confirm it by SMS from your account.");
        assertThat(own.getAttribute("aria-describedby")).isEqualTo(reason.getAttribute("id"));
        assertThat(ui.present(page.rowCss("carol") + ".own-number-reason")).isFalse();
        ui.element("users-table-own-number", "#users-card");
        ui.assertAccessible("users table, the admin's own unconfirmed number");

        ui.click(page.rowCss("carol") + "button[data-action=phone-remove]");
        page.confirm();
        ui.until("the number is gone", d -> page.row("carol").getText().contains("No number"));
        assertThat(r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users/" + carolId)).get("phoneNumber").isNull()).isTrue();
    }

    @Test
    void aMethodSwitchSaysBeforeTheSaveWhoCannotUseItAndRefusesToLockTheAdminOut() {
        TestRealm r = realmWithAdmin("ui-switch");
        String agent = r.addUser("agent", "agent-pw");
        java.util.Map<String, Object> nomail = new java.util.LinkedHashMap<>();
        nomail.put("username", "nomail");
        nomail.put("enabled", true);
        assertThat(r.admin.post("/" + r.name + "/users", nomail).status()).isEqualTo(201);
        r.admin.ok(r.putSettings(r.admin, Map.of("smsActivated", true)));
        String agentPhone = "/" + r.name + "/twofactor/users/" + agent + "/phone";
        r.admin.ok(r.admin.put(agentPhone, Map.of("phoneNumber", "+14155550144")));
        r.admin.ok(r.admin.post(agentPhone + "/confirm", null));

        SecurityPage page = signInToPage(r.name, "boss", "boss-pw");
        assertThat(ui.find("#method-readiness").isDisplayed()).as("nothing to say while the method stays").isFalse();
        page.chooseMethod("sms");
        WebElement readiness = ui.visible("#method-readiness");
        ui.until("the count", d -> readiness.getText().contains(" of "));
        assertThat(readiness.getText()).isEqualTo("2 of 3 users have no confirmed number: they will be asked to confirm it, or to contact you.");
        ui.element("security-page-method-switch-warning", "#method-group");
        ui.assertAccessible("method switch warning");

        // boss has no confirmed number: SMS would lock them out, and nothing is saved
        page.saveAndConfirm();
        WebElement error = ui.visible("#err-method");
        assertThat(error.getText()).startsWith("SMS would lock you out: your account has no confirmed phone number.");
        assertThat(ui.find("#save-message").getText()).startsWith("Nothing was saved: SMS would lock you out");
        assertThat(r.settings().get("method").asText()).isEqualTo("none");

        // every text on screen follows the language, the banner and the field error included
        page.language("ru");
        assertThat(ui.find("#method-sms").isSelected()).as("the unsaved choice stays through the language switch").isTrue();
        assertThat(ui.find("#save-message").getText()).startsWith("Ничего не сохранено: С SMS вы сами не сможете войти");
        assertThat(ui.find("#err-method").getText()).startsWith("С SMS вы сами не сможете войти");
        assertThat(ui.find("#method-readiness").getText()).isEqualTo(
                "У 2 из 3 пользователей нет подтверждённого номера: им предложат подтвердить номер или обратиться к вам.");
        assertThat(ui.find("#masthead-realm").getText()).isEqualTo("Область: " + r.name);
        assertThat(ui.find("#view-app").getText()).doesNotContainIgnoringCase("realm ").doesNotContain("Nothing was saved");
        ui.screenshot("security-page-method-refused-ru");
        ui.assertAccessible("method refused, in Russian");
        ui.click("#save-status .alert-close");
        ui.until("the banner is closed", d -> !ui.present("#save-message"));
        page.language("en");

        page.chooseMethod("email");
        ui.until("the email count", d -> ui.find("#method-readiness").getText().contains("email address"));
        assertThat(ui.find("#method-readiness").getText()).isEqualTo("1 of 3 users have no email address: they will be asked to contact you.");
        page.saveAndConfirm();
        WebElement saved = ui.visible("#save-message");
        assertThat(saved.getText()).startsWith("Saved.");
        assertThat(ui.find("#save-status").getText()).contains("Users without an email address: 1. They will be asked to contact you.");
        assertThat(ui.find("#method-readiness").isDisplayed()).as("the saved method needs no warning").isFalse();
        assertThat(r.settings().get("method").asText()).isEqualTo("email");
    }

    @Test
    void theSessionOutlivesShortAccessTokensByRefreshing() {
        TestRealm r = realmWithAdmin("ui-refresh");
        r.admin.ok(r.admin.put("/" + r.name, Map.of("accessTokenLifespan", 6)));
        SecurityPage page = signInToPage(r.name, "boss", "boss-pw");
        // the keyboard starts at the skip link, which leads to the content
        ui.script("window.scrollTo(0, 0); document.activeElement.blur();");
        ui.find("body").sendKeys(Keys.TAB);
        assertThat(ui.driver.switchTo().activeElement().getAttribute("class")).isEqualTo("skip-link");
        ui.sleep(8000);
        // the first token is dead by now; the page refreshed it before it expired
        page.search();
        ui.until("the users are listed again", d -> page.userRows() == 1
                && ui.find("#users-table").getAttribute("aria-busy") == null);
        assertThat(ui.find("#users-status").getText()).isEmpty();
        assertThat(ui.find("#view-signin").isDisplayed()).isFalse();
        page.save();
        assertThat(page.saveMessage()).isEqualTo("Saved.");

        // ?lang=ru picks Russian, and the choice outlives the round trip through the login page
        ui.open(SecurityPage.url(r.name) + "?lang=ru");
        page.awaitReady();
        assertThat(ui.find("html").getAttribute("lang")).isEqualTo("ru");
        assertThat(ui.find("#save").getText()).isEqualTo("Сохранить");
        page.language("en");
        assertThat(ui.find("#save").getText()).isEqualTo("Save");
    }

    @Test
    void aMasterRealmAdminPicksTheRealmAndActivatesSms() {
        TestRealm r = TestRealm.create("ui-master");
        SecurityPage page = SecurityPage.signIn(ui, "master", KeycloakServer.ADMIN_USER, KeycloakServer.ADMIN_PASSWORD);
        WebElement picker = ui.visible("#realm-select");
        List<String> realms = new Select(picker).getOptions().stream().map(o -> o.getDomProperty("value")).toList();
        assertThat(realms).contains("master", r.name);
        // no realm until one is picked: not master, not a guess
        assertThat(new Select(picker).getFirstSelectedOption().getText()).isEqualTo("Choose a realm…");
        assertThat(ui.find("#masthead-realm").getText()).isEqualTo("Realm: not chosen");
        assertThat(ui.find("#settings-card").isDisplayed()).isFalse();
        assertThat(ui.find("#caps-card").isDisplayed()).isFalse();
        assertThat(ui.find("#users-card").isDisplayed()).isFalse();
        assertThat(ui.find("#caps-card").isDisplayed()).as("no realm's refusal counts before a realm is picked").isFalse();
        assertThat(ui.visible("#realm-choose-message").getText()).isEqualTo("Choose the realm whose settings you want to manage.");
        ui.assertAccessible("Security page of a master-realm admin, no realm chosen");
        new Select(picker).selectByValue(r.name);
        ui.until("the realm's settings", d -> ui.find("#masthead-realm").getText().equals("Realm: " + r.name)
                && "ready".equals(ui.find("body").getAttribute("data-state")) && ui.find("#settings-card").isDisplayed());
        assertThat(ui.present("#realm-choose-message")).isFalse();
        assertThat(ui.find("#caps-card").isDisplayed()).isTrue();
        WebElement activated = ui.find("#smsActivated");
        assertThat(activated.isEnabled()).isTrue();
        assertThat(activated.isSelected()).isFalse();
        assertThat(ui.find("#method-sms").isEnabled()).isFalse();
        assertThat(ui.find("#sms-reason").getText()).as("the master admin is the support: the note says what they do")
                .contains("Activate it with the box below").doesNotContain("Support");
        ui.screenshot("security-page-master");
        ui.assertAccessible("Security page of a master-realm admin");

        ui.click("label[for=smsActivated]");
        assertThat(ui.find("#method-sms").isEnabled()).as("SMS can be picked together with its activation").isTrue();
        page.save();
        assertThat(page.saveMessage()).isEqualTo("Saved.");
        ui.until("SMS can be chosen now", d -> ui.find("#method-sms").isEnabled());
        assertThat(ui.find("#sms-reason").isDisplayed()).isFalse();
        JsonNode settings = r.settings();
        assertThat(settings.get("smsActivated").asBoolean()).isTrue();
        assertThat(settings.get("smsAvailable").asBoolean()).isTrue();

        // the page opens again on the realm picked last; master itself is never opened without a pick
        page.reload();
        ui.until("the realm picked last", d -> ui.find("#masthead-realm").getText().equals("Realm: " + r.name));
        assertThat(new Select(ui.find("#realm-select")).getFirstSelectedOption().getDomProperty("value")).isEqualTo(r.name);
        new Select(ui.find("#realm-select")).selectByValue("master");
        ui.until("master's settings", d -> ui.find("#masthead-realm").getText().equals("Realm: master")
                && "ready".equals(ui.find("body").getAttribute("data-state")));
        page.reload();
        assertThat(ui.find("#masthead-realm").getText()).isEqualTo("Realm: not chosen");
        assertThat(ui.find("#settings-card").isDisplayed()).isFalse();
        assertThat(ui.find("#caps-card").isDisplayed()).isFalse();

        ui.click("#sign-out");
        ui.until("signed out", d -> ui.url().startsWith(SecurityPage.url("master")) && ui.find("#view-signin").isDisplayed());
        assertThat(ui.find("#signin-alert").getText()).contains("You have signed out");
        assertThat(ui.find("#sign-out").isDisplayed()).isFalse();
        ui.screenshot("signed-out");
        ui.assertAccessible("signed out");
    }

    @Test
    void everyRowActionNamesItsUserAndADisabledResetSaysWhyBesideIt() {
        TestRealm r = realmWithAdmin("ui-row-names");
        String carolId = r.addUser("carol", "carol-pw");
        r.admin.ok(r.admin.put("/" + r.name + "/twofactor/users/" + carolId + "/phone", Map.of("phoneNumber", "+14155550100")));
        SecurityPage page = signInToPage(r.name, "boss", "boss-pw");
        page.row("carol");

        assertThat(name(page.rowCss("boss") + "button[data-action=phone-edit]")).isEqualTo("Add number for boss");
        assertThat(ui.find(page.rowCss("boss") + "button[data-action=phone-edit]").getAccessibleName()).isEqualTo("Add number for boss");
        assertThat(name(page.rowCss("carol") + "button[data-action=phone-edit]")).isEqualTo("Change number of carol");
        assertThat(name(page.rowCss("carol") + "button[data-action=phone-remove]")).isEqualTo("Remove number of carol");
        assertThat(name(page.rowCss("carol") + "button[data-action=phone-confirm]")).startsWith("Confirm number of carol");
        assertThat(name(page.rowCss("carol") + "button.reset-device")).isEqualTo("Reset device of carol");
        // the visible words are part of the name (WCAG 2.5.3), so "click Add number" still finds the button
        for (WebElement b : ui.findAll("#users-body button")) {
            assertThat(b.getAttribute("aria-label")).as("name of " + b.getText()).contains(b.getText().strip());
        }

        // nobody here has an app: each disabled Reset device says why in text beside it, tied to the button
        WebElement reset = ui.find(page.rowCss("carol") + "button.reset-device");
        assertThat(reset.isEnabled()).isFalse();
        assertThat(reset.getDomAttribute("title")).as("not only a tooltip").isNull();
        WebElement reason = ui.find("#" + reset.getAttribute("aria-describedby"));
        assertThat(reason.isDisplayed()).isTrue();
        assertThat(reason.getText()).isEqualTo("No authenticator app is set up.");
        assertThat(reason.findElement(org.openqa.selenium.By.xpath("..")))
                .as("beside the button").isEqualTo(reset.findElement(org.openqa.selenium.By.xpath("..")));
        ui.phone();
        assertThat(ui.find(page.rowCss("carol") + "#" + reset.getAttribute("aria-describedby")).isDisplayed()).as("also on a phone").isTrue();
        ui.desktop();
        ui.assertAccessible("users table with row names");

        page.language("ru");
        ui.until("Russian names", d -> "Добавить номер пользователю boss".equals(name(page.rowCss("boss") + "button[data-action=phone-edit]")));
        assertThat(name(page.rowCss("carol") + "button[data-action=phone-edit]")).isEqualTo("Изменить номер пользователя carol");
        assertThat(name(page.rowCss("carol") + "button[data-action=phone-remove]")).isEqualTo("Удалить номер пользователя carol");
        assertThat(name(page.rowCss("carol") + "button[data-action=phone-confirm]")).startsWith("Подтвердить номер пользователя carol");
        assertThat(name(page.rowCss("carol") + "button.reset-device")).isEqualTo("Сбросить устройство пользователя carol");
        assertThat(ui.find("#" + ui.find(page.rowCss("carol") + "button.reset-device").getAttribute("aria-describedby")).getText())
                .isEqualTo("Приложение-аутентификатор не настроено.");
        for (WebElement b : ui.findAll("#users-body button")) {
            assertThat(b.getAttribute("aria-label")).as("name of " + b.getText()).contains(b.getText().strip());
        }
        ui.assertAccessible("users table in Russian");
        page.language("en");
    }

    /** The name a screen reader announces: the aria-label (Chromium's computed name is checked once, it is slow). */
    private static String name(String css) {
        return ui.find(css).getDomAttribute("aria-label");
    }

    @Test
    void theKeyboardWalksThePageInReadingOrderWithVisibleFocusAndEachDialogKeepsAndReturnsIt() {
        TestRealm r = realmWithAdmin("ui-keyboard");
        r.addUser("carol", "carol-pw");
        SecurityPage page = signInToPage(r.name, "boss", "boss-pw");
        page.row("carol");

        // from the top: the skip link first, then every control in reading order, each with a visible focus ring
        ui.script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);");
        ui.find("body").sendKeys(Keys.TAB);
        assertThat(ui.driver.switchTo().activeElement().getAttribute("class")).isEqualTo("skip-link");
        List<String> walked = new java.util.ArrayList<>();
        Map<String, Object> previous = null;
        // (the SMS-country picker lists some 240 checkboxes, each a tab stop)
        for (int i = 0; i < 500; i++) {
            @SuppressWarnings("unchecked")
            Map<String, Object> focus = (Map<String, Object>) ui.script(FOCUS_STATE);
            String label = (String) focus.get("label");
            if (label.startsWith("body") || i > 0 && label.contains("skip-link")) {
                break; // past the last control: the focus leaves the page
            }
            assertThat((Boolean) focus.get("ringVisible")).as("a visible focus ring on " + label).isTrue();
            if (previous != null) {
                double top = ((Number) focus.get("top")).doubleValue();
                double left = ((Number) focus.get("left")).doubleValue();
                double prevTop = ((Number) previous.get("top")).doubleValue();
                double prevLeft = ((Number) previous.get("left")).doubleValue();
                double prevBottom = ((Number) previous.get("bottom")).doubleValue();
                assertThat(top >= prevTop - 2 || left > prevLeft || top >= prevBottom - 2)
                        .as("reading order: " + label + " comes after " + previous.get("label") + " (below it or to its right)").isTrue();
            }
            walked.add(label);
            previous = focus;
            ui.driver.switchTo().activeElement().sendKeys(Keys.TAB);
        }
        assertThat(walked).as("the walk reaches settings, sessions and the users' rows")
                .anyMatch(l -> l.contains("#save")).anyMatch(l -> l.contains("#deauthorize"))
                .anyMatch(l -> l.contains("#user-search")).anyMatch(l -> l.contains("Add number for carol"));
        assertThat(walked.indexOf(walked.stream().filter(l -> l.contains("#save")).findFirst().orElseThrow()))
                .as("settings before sessions")
                .isLessThan(walked.indexOf(walked.stream().filter(l -> l.contains("#deauthorize")).findFirst().orElseThrow()));

        // each dialog keeps the focus inside while Tab and Shift+Tab go round, and gives it back on Escape
        focusByTab("#deauthorize");
        ui.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        focusStaysIn("#confirm-dialog");
        ui.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        ui.until("Escape closes the dialog", d -> !ui.find("#confirm-dialog").isDisplayed());
        assertThat(activeId()).as("focus returns to Deauthorize").isEqualTo("deauthorize");

        WebElement add = ui.find(page.rowCss("carol") + "button[data-action=phone-edit]");
        focusByTab(page.rowCss("carol") + "button[data-action=phone-edit]");
        ui.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        focusStaysIn("#phone-dialog");
        ui.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        ui.until("Escape closes the dialog", d -> !ui.find("#phone-dialog").isDisplayed());
        assertThat(ui.driver.switchTo().activeElement()).as("focus returns to carol's Add number").isEqualTo(add);

        page.chooseMethod("email");
        focusByTab("#save");
        ui.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        focusStaysIn("#confirm-dialog");
        ui.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        ui.until("Escape closes the dialog", d -> !ui.find("#confirm-dialog").isDisplayed());
        assertThat(activeId()).as("focus returns to Save").isEqualTo("save");
        assertThat(r.settings().get("method").asText()).as("Escape saved nothing").isEqualTo("none");
    }

    /** The focused element: a label for messages, its box, and whether a focus ring is drawn around it. */
    private static final String FOCUS_STATE = "const e = document.activeElement; const s = getComputedStyle(e);"
            + " const box = e.getBoundingClientRect(); const y = box.top + window.scrollY; const x = box.left + window.scrollX;"
            + " const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== 'none');"
            + " return {label: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '') + ' \"' + (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40) + '\"',"
            + " top: y, bottom: y + box.height, left: x, ringVisible: !!ring && e.matches(':focus-visible')};";

    /** Tabs forward (from wherever the focus is) until the element is focused; fails if it never is. */
    private static void focusByTab(String css) {
        WebElement target = ui.find(css);
        for (int i = 0; i < 500; i++) {
            if (ui.driver.switchTo().activeElement().equals(target)) {
                return;
            }
            ui.driver.switchTo().activeElement().sendKeys(Keys.TAB);
        }
        throw new AssertionError("Tab never reached " + css);
    }

    /** Tab and Shift+Tab twice round the open dialog: the focus is never outside it and reaches all its buttons. */
    private static void focusStaysIn(String dialogCss) {
        ui.visible(dialogCss);
        @SuppressWarnings("unchecked")
        List<String> controls = (List<String>) ui.script("return Array.from(document.querySelector(arguments[0])"
                + ".querySelectorAll('button, input, select, textarea, a[href]')).filter(e => !e.disabled && e.offsetParent)"
                + ".map(e => e.id);", dialogCss);
        java.util.Set<String> reached = new java.util.HashSet<>();
        for (CharSequence key : List.of(Keys.TAB, Keys.chord(Keys.SHIFT, Keys.TAB))) {
            for (int i = 0; i < 2 * controls.size() + 2; i++) {
                ui.driver.switchTo().activeElement().sendKeys(key);
                Object inside = ui.script("const d = document.querySelector(arguments[0]); const a = document.activeElement;"
                        + " return a === document.body ? 'body' : d.contains(a) ? a.id : 'outside: ' + a.tagName + '#' + a.id;", dialogCss);
                assertThat(String.valueOf(inside)).as("focus inside " + dialogCss).doesNotStartWith("outside");
                reached.add(String.valueOf(inside));
            }
        }
        assertThat(reached).as("Tab reaches every control of " + dialogCss).containsAll(controls);
        assertThat(ui.script("return document.querySelector(arguments[0]).contains(document.activeElement);", dialogCss))
                .as("ends inside the dialog").isEqualTo(true);
    }
}
