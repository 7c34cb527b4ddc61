package dev.keycloaktwofactor.code;

import java.util.Locale;

/** What a code proves. A code issued for one purpose is never accepted for another. */
public enum CodePurpose {
    LOGIN, SETUP_APP, CONFIRM_PHONE;

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
