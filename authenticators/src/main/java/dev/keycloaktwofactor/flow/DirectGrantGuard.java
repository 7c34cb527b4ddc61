package dev.keycloaktwofactor.flow;

import dev.keycloaktwofactor.model.TwoFactorSettings;
import org.keycloak.OAuthErrorException;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;

import jakarta.ws.rs.core.Response;

/**
 * Refuses the resource-owner password grant while the realm requires a second factor: a password alone must not
 * yield tokens. {@code FlowBinding} places it after the password check of the realm's direct grant flow, so a wrong
 * password still gets Keycloak's usual answer and nothing tells whether an account has 2FA.
 */
public class DirectGrantGuard extends PolicyStep {

    public static final String PROVIDER_ID = "twofactor-direct-grant";
    static final String EVENT_ERROR = "twofactor_required";
    static final String DESCRIPTION = "Two-factor authentication is required for this account: sign in through the browser.";

    public static class Factory extends FlowStepFactory {
        public Factory() {
            super(PROVIDER_ID, "Two-factor: refuse password-only grant",
                    "Refuses the direct grant (grant_type=password) while the realm's Security page requires a second factor.",
                    new DirectGrantGuard());
        }
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        if (!TwoFactorSettings.of(context.getRealm()).method().isEnabled()) {
            context.success();
            return;
        }
        context.getEvent().user(context.getUser()).error(EVENT_ERROR);
        context.failure(AuthenticationFlowError.ACCESS_DENIED, oauthError(Response.Status.BAD_REQUEST, OAuthErrorException.INVALID_GRANT, DESCRIPTION));
    }
}
