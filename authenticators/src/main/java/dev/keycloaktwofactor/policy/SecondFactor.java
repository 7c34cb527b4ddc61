package dev.keycloaktwofactor.policy;

import org.keycloak.authentication.AuthenticationFlowContext;

/** One way of proving the second factor (authenticator app, email code, SMS code) inside the realm-policy step. */
public interface SecondFactor {

    /** The first page of this factor for the user that just gave their password. */
    void challenge(AuthenticationFlowContext context, TwoFactorSettings settings);

    /** A form post to that page. */
    void action(AuthenticationFlowContext context, TwoFactorSettings settings);
}
