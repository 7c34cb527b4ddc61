package dev.keycloaktwofactor.policy;

import org.keycloak.Config;
import org.keycloak.OAuthErrorException;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * Refuses the resource-owner password grant while the realm requires a second factor: a password alone must not
 * yield tokens. {@link FlowBinding} places it after the password check of the realm's direct grant flow.
 */
public class DirectGrantGuard implements Authenticator, AuthenticatorFactory {

    public static final String PROVIDER_ID = "twofactor-direct-grant";
    static final String EVENT_ERROR = "twofactor_required";
    static final String DESCRIPTION = "Two-factor authentication is required for this account: sign in through the browser.";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        if (!TwoFactorSettings.of(context.getRealm()).method().isEnabled()) {
            context.success();
            return;
        }
        context.getEvent().user(context.getUser()).error(EVENT_ERROR);
        Response refusal = Response.status(Response.Status.BAD_REQUEST)
                .entity(new OAuth2ErrorRepresentation(OAuthErrorException.INVALID_GRANT, DESCRIPTION))
                .type(MediaType.APPLICATION_JSON_TYPE).build();
        context.failure(AuthenticationFlowError.ACCESS_DENIED, refusal);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return this;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Two-factor: refuse password-only grant";
    }

    @Override
    public String getHelpText() {
        return "Refuses the direct grant (grant_type=password) while the realm's Security page requires a second factor.";
    }

    /** Not a credential check: a refused grant must not count towards brute-force lockout. */
    @Override
    public String getReferenceCategory() {
        return "twofactor-policy";
    }

    @Override
    public boolean isConfigurable() {
        return false;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return new AuthenticationExecutionModel.Requirement[] {
                AuthenticationExecutionModel.Requirement.REQUIRED, AuthenticationExecutionModel.Requirement.DISABLED};
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
