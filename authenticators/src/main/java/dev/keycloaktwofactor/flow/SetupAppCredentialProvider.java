package dev.keycloaktwofactor.flow;

import dev.keycloaktwofactor.factor.AuthenticatorAppFactor;
import dev.keycloaktwofactor.model.TwoFactorMethod;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.credential.CredentialTypeMetadataContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Puts "Switch to an authenticator app" on the account console's Signing in page, as a two-factor entry whose set-up
 * button starts {@link SetupAppAction}. It holds no credentials of its own (the app becomes Keycloak's {@code otp}
 * credential) and shows only while the switch is possible: email method, opt-in allowed, no app yet.
 */
public class SetupAppCredentialProvider implements CredentialProvider<CredentialModel>, CredentialProviderFactory<SetupAppCredentialProvider> {

    public static final String TYPE = "twofactor-setup-app";

    private final KeycloakSession session;

    public SetupAppCredentialProvider() {
        this(null);
    }

    private SetupAppCredentialProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public CredentialProvider create(KeycloakSession session) {
        return new SetupAppCredentialProvider(session);
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return TYPE;
    }

    @Override
    public String getType() {
        return TYPE;
    }

    @Override
    public CredentialModel createCredential(RealmModel realm, UserModel user, CredentialModel credentialModel) {
        throw new IllegalArgumentException("Nothing is stored as " + TYPE + ": the app becomes an otp credential");
    }

    @Override
    public boolean deleteCredential(RealmModel realm, UserModel user, String credentialId) {
        return false;
    }

    @Override
    public CredentialModel getCredentialFromModel(CredentialModel model) {
        return model;
    }

    @Override
    public CredentialTypeMetadata getCredentialTypeMetadata(CredentialTypeMetadataContext context) {
        RealmModel realm = session.getContext().getRealm();
        TwoFactorSettings settings = TwoFactorSettings.of(realm);
        UserModel user = context.getUser();
        boolean offered = settings.method() == TwoFactorMethod.EMAIL && settings.allowAppOptIn()
                && (user == null || !AuthenticatorAppFactor.hasDevice(user));
        return CredentialTypeMetadata.builder()
                .type(TYPE)
                .category(CredentialTypeMetadata.Category.TWO_FACTOR)
                .displayName("twofactor-setup-app-display-name")
                .helpText("twofactor-setup-app-help-text")
                .iconCssClass("kcAuthenticatorOTPClass")
                .createAction(offered ? SetupAppAction.PROVIDER_ID : null)
                .removeable(false)
                .build(session);
    }
}
