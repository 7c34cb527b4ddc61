package dev.keycloaktwofactor.factor;

import dev.keycloaktwofactor.code.CodeStep;
import dev.keycloaktwofactor.model.TwoFactorSettings;

/**
 * One way of proving the second factor (authenticator app, email code, SMS code). It speaks to a {@link CodeStep},
 * so the same pages run in the login flow's policy step and in the {@code PolicyAction} safety net.
 */
public interface SecondFactor {

    /**
     * Which factor this is ("totp", "email", "sms"): recorded when its page is shown, so that a post answers the
     * factor the page asked for, whatever else changed meanwhile (an app enrolled in another tab, a new method).
     */
    String id();

    /** Sets the first page of this factor for the user that just gave their password. */
    void challenge(CodeStep step, TwoFactorSettings settings);

    /**
     * Handles a form post to that page.
     *
     * @return true when the factor is proven; otherwise a page has been set as the challenge
     */
    boolean action(CodeStep step, TwoFactorSettings settings);

    /** The credential type a login proven this way used, for Keycloak's records; null for none of its own. */
    default String credentialType() {
        return null;
    }
}
