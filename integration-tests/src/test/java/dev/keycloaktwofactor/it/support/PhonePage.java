package dev.keycloaktwofactor.it.support;

import java.util.Map;

/** The page that asks for a phone number to confirm: its selectors, and sending a number over HTTP. */
public final class PhonePage {

    /** The number form. */
    public static final String FORM = "form#kc-twofactor-phone-form";
    /** The number field. */
    public static final String FIELD = "input[name=phoneNumber]";

    private PhonePage() {
    }

    /** Types {@code number} and asks for the confirmation text. */
    public static Browser.Page send(Browser b, Browser.Page page, String number) {
        return b.submit(page, FORM, Map.of("phoneNumber", number, "send", "true"));
    }
}
