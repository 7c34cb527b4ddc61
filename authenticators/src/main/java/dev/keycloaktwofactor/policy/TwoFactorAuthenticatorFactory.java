package dev.keycloaktwofactor.policy;

import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.provider.ProviderConfigProperty;

import java.util.List;

public class TwoFactorAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = "twofactor-authenticator";

    private static final TwoFactorAuthenticator SINGLETON = TwoFactorAuthenticator.withBuiltInFactors();

    @Override
    public Authenticator create(KeycloakSession session) {
        return SINGLETON;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Two-factor (realm policy)";
    }

    @Override
    public String getHelpText() {
        return "Asks for the second factor chosen on the realm's Security page: email code, authenticator app or SMS code.";
    }

    /** "otp": since Keycloak 26.6 brute-force protection counts failures of the password, otp and recovery-code categories only. */
    @Override
    public String getReferenceCategory() {
        return OTPCredentialModel.TYPE;
    }

    /** Makes the account console list "Switch to an authenticator app" while this step is in a realm's flows. */
    @Override
    public java.util.Set<String> getOptionalReferenceCategories(KeycloakSession session) {
        return java.util.Set.of(dev.keycloaktwofactor.totp.SetupAppCredentialProvider.TYPE);
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
        factory.register(event -> PolicyReconciler.onEvent(factory, event));
    }

    @Override
    public void close() {
    }
}
