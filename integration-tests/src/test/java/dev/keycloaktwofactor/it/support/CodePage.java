package dev.keycloaktwofactor.it.support;

import org.jsoup.nodes.Element;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page that asks for a code (emailed, texted, or from the authenticator app): its selectors, and what a user
 * does on it over HTTP. The Chromium tests use the same selectors.
 */
public final class CodePage {

    /** The code field. */
    public static final String FIELD = "input[name=code]";
    /** The form that holds it (sign in, and send again). */
    public static final String FORM = "form:has(input[name=code])";

    private CodePage() {
    }

    /** True if {@code page} asks for a code. */
    public static boolean isOn(Browser.Page page) {
        return page.doc().selectFirst(FIELD) != null;
    }

    /** Types {@code code} and signs in. */
    public static Browser.Page submit(Browser b, Browser.Page page, String code) {
        return b.submit(page, FORM, Map.of("code", code));
    }

    /** Types the code of the next email to {@code username} and signs in. */
    public static Browser.Page submitEmailedCode(Browser b, Browser.Page page, TestRealm realm, String username) {
        return submit(b, page, EmailCodes.nextCode(realm, username));
    }

    /** A whole sign-in of {@code username} with the password and the emailed code, in a browser of its own. */
    public static Browser.Page signInWithEmailedCode(TestRealm realm, String username, String password) {
        Browser b = realm.browser();
        return submitEmailedCode(b, realm.signIn(b, username, password), realm, username);
    }

    /** Asks for the code again ("send again"). */
    public static Browser.Page resend(Browser b, Browser.Page page) {
        // the form that holds "Send again": without a live code (e.g. its send failed) it has no code field
        return b.submit(page, "form:has(button[name=resend])", Map.of("resend", "true"));
    }

    /** Where the form posts to. */
    public static String action(Browser.Page page) {
        return page.doc().selectFirst(FORM).absUrl("action");
    }

    /** Seconds until "send again" may be used, as the page's button says; null once it may. The button must be there. */
    public static Integer resendIn(Browser.Page page) {
        Element button = page.doc().selectFirst("button[name=resend]");
        assertThat(button).as("resend button on " + page).isNotNull();
        return button.hasAttr("data-resend-in") ? Integer.valueOf(button.attr("data-resend-in")) : null;
    }
}
