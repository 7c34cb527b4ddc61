package dev.keycloaktwofactor.it.support.ui;

import dev.keycloaktwofactor.it.support.KeycloakServer;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The realm's Security page (twofactor-admin) in Chromium: where it is, when it is ready, and the parts the tests
 * use — the language, the settings form and its confirmation, Deauthorize, the users table and its phone dialog,
 * technical support access — so that a change of the page's markup is followed here once.
 */
public final class SecurityPage {

    /** The users table's rows, one a user. */
    public static final String USER_ROWS = "#users-body tr[data-username]";

    public final UiBrowser ui;

    private SecurityPage(UiBrowser ui) {
        this.ui = ui;
    }

    /** The page as it is shown in {@code ui} now. */
    public static SecurityPage of(UiBrowser ui) {
        return new SecurityPage(ui);
    }

    /** The page's address in {@code realm}. */
    public static String url(String realm) {
        return KeycloakServer.get().baseUrl() + "/realms/" + realm + "/twofactor-admin/";
    }

    /** Waits until the page says it is ready (signed in, data loaded). */
    public static void awaitReady(UiBrowser ui) {
        ui.until("the Security page is ready", d -> "ready".equals(ui.script("return document.body && document.body.dataset.state;")));
    }

    /** Opens the page in {@code realm}, which sends the browser to Keycloak's login form; returns at that form. */
    public static SecurityPage open(UiBrowser ui, String realm) {
        ui.open(url(realm));
        ui.visible("#kc-form-login");
        return new SecurityPage(ui);
    }

    /** Opens the page and signs in with a password alone (no second factor in the realm); returns it ready. */
    public static SecurityPage signIn(UiBrowser ui, String realm, String username, String password) {
        SecurityPage page = open(ui, realm);
        ui.signIn(username, password);
        return page.awaitReady();
    }

    public SecurityPage awaitReady() {
        awaitReady(ui);
        return this;
    }

    /** The browser's reload, then the page ready again. */
    public SecurityPage reload() {
        ui.driver.navigate().refresh();
        return awaitReady();
    }

    /** Switches the page's language ("en", "ru") with its picker. */
    public void language(String language) {
        new Select(ui.find("#lang-select")).selectByValue(language);
    }

    // ---- the settings form

    /** Picks a method ("none", "email", "totp", "sms") by its label, as a person clicks it. */
    public void chooseMethod(String method) {
        ui.click("label[for=method-" + method + "]");
    }

    public void save() {
        ui.click("#save");
    }

    /** Save, then OK in the confirmation the page asks first. */
    public void saveAndConfirm() {
        save();
        confirm();
    }

    /** The banner's words after a save. */
    public String saveMessage() {
        return ui.visible("#save-message").getText();
    }

    // ---- the page's confirmation dialog

    public WebElement confirmDialog() {
        return ui.visible("#confirm-dialog");
    }

    public void confirm() {
        ui.click("#confirm-ok");
    }

    // ---- Deauthorize

    /** Deauthorize, confirmed. */
    public void deauthorize() {
        ui.click("#deauthorize");
        confirm();
    }

    public WebElement deauthorizeMessage() {
        return ui.visible("#deauthorize-message");
    }

    // ---- the users table

    /** A user's row, once it is shown. */
    public WebElement row(String username) {
        return ui.visible(rowCss(username));
    }

    /** The CSS of a user's row, with a trailing space: {@code rowCss("carol") + ".phone-number"}. */
    public String rowCss(String username) {
        return "#users-body tr[data-username='" + username + "'] ";
    }

    /** How many users the table shows now. */
    public int userRows() {
        return ui.findAll(USER_ROWS).size();
    }

    /** The search button: the list is asked for again with the search field's words. */
    public void search() {
        ui.click("#user-search-button");
    }

    public void search(String words) {
        ui.type("#user-search", words);
        search();
    }

    // ---- the phone dialog

    /** A user's "Add number" or "Change number", and the dialog open. */
    public WebElement openPhoneDialog(String username) {
        ui.click(rowCss(username) + "button[data-action=phone-edit]");
        return ui.visible("#phone-dialog");
    }

    /** Types the number into the open dialog and saves it. */
    public void savePhone(String number) {
        ui.type("#phone-input", number);
        ui.click("#phone-save");
    }

    public void awaitPhoneDialogClosed() {
        ui.until("the dialog closes", d -> !ui.find("#phone-dialog").isDisplayed());
    }

    // ---- technical support access

    public void startSupport() {
        ui.click("#support-start");
    }

    /** Stop, and the duration picker back. */
    public void stopSupport() {
        ui.click("#support-stop");
        ui.visible("#support-form");
    }

    /** "Support can view this realm until …". */
    public String supportStatus() {
        return ui.visible("#support-status").getText();
    }

    public String supportMessage() {
        return ui.visible("#support-message").getText();
    }
}
