package dev.keycloaktwofactor.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The realm's second factor, as an admin picks it on the Security page. */
public enum TwoFactorMethod {
    NONE, EMAIL, TOTP, SMS;

    /** The name used in the REST API and in realm attributes. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isEnabled() {
        return this != NONE;
    }

    public static Optional<TwoFactorMethod> fromId(String id) {
        return Arrays.stream(values()).filter(m -> m.id().equals(id)).findFirst();
    }
}
