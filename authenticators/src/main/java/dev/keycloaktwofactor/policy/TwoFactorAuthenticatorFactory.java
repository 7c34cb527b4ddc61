package dev.keycloaktwofactor.policy;

import dev.keycloaktwofactor.totp.SetupAppCredentialProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.credential.OTPCredentialModel;

import java.util.Set;

/**
 * The policy step. Its category is "otp": since Keycloak 26.6 brute-force protection counts failures of the
 * password, otp and recovery-code categories only, and every wrong code of ours must count.
 */
public class TwoFactorAuthenticatorFactory extends PolicyStepFactory {

    public static final String PROVIDER_ID = "twofactor-authenticator";

    public TwoFactorAuthenticatorFactory() {
        super(PROVIDER_ID, "Two-factor (realm policy)",
                "Asks for the second factor chosen on the realm's Security page: email code, authenticator app or SMS code.",
                TwoFactorAuthenticator.withBuiltInFactors(), OTPCredentialModel.TYPE);
    }

    /** Makes the account console list "Switch to an authenticator app" while this step is in a realm's flows. */
    @Override
    public Set<String> getOptionalReferenceCategories(KeycloakSession session) {
        return Set.of(SetupAppCredentialProvider.TYPE);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> PolicyReconciler.onEvent(factory, event));
    }
}
