package dev.keycloaktwofactor.flow;

import dev.keycloaktwofactor.factor.AuthenticatorAppFactor;
import dev.keycloaktwofactor.model.TwoFactorMethod;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Puts "Switch to an authenticator app" on the account console's Signing in page, as a two-factor entry whose set-up
 * button starts {@link SetupAppAction}. It holds no credentials of its own (the app becomes Keycloak's {@code otp}
 * credential) and shows only while the switch is possible: email method, opt-in allowed, no app yet.
 */
public class SetupAppCredentialProvider extends AccountConsoleEntry {

    public static final String TYPE = "twofactor-setup-app";

    public SetupAppCredentialProvider() {
        this(null);
    }

    private SetupAppCredentialProvider(KeycloakSession session) {
        super(session, TYPE, "twofactor-setup-app-display-name", "twofactor-setup-app-help-text", SetupAppAction.PROVIDER_ID,
                "the app becomes an otp credential");
    }

    @Override
    public CredentialProvider create(KeycloakSession session) {
        return new SetupAppCredentialProvider(session);
    }

    @Override
    boolean offered(RealmModel realm, UserModel user) {
        TwoFactorSettings settings = TwoFactorSettings.of(realm);
        return settings.method() == TwoFactorMethod.EMAIL && settings.allowAppOptIn()
                && (user == null || !AuthenticatorAppFactor.hasDevice(user));
    }
}
