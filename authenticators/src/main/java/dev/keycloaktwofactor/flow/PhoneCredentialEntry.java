package dev.keycloaktwofactor.flow;

import dev.keycloaktwofactor.sms.SmsGateway;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.credential.CredentialTypeMetadataContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Puts "Phone for sign-in codes" on the account console's Signing in page, with a set-up button that starts
 * {@link ConfirmPhoneAction} (enter the number and confirm it by SMS; a confirmed number is shown there with Unpin).
 * It stores nothing (the number is the user's {@code phoneNumber} attribute) and offers the action only where texts can
 * be sent: a gateway is configured and SMS is activated for the realm.
 */
public class PhoneCredentialEntry implements CredentialProvider<CredentialModel>, CredentialProviderFactory<PhoneCredentialEntry> {

    public static final String TYPE = "twofactor-phone";

    private final KeycloakSession session;

    public PhoneCredentialEntry() {
        this(null);
    }

    private PhoneCredentialEntry(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public CredentialProvider create(KeycloakSession session) {
        return new PhoneCredentialEntry(session);
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
        throw new IllegalArgumentException("Nothing is stored as " + TYPE + ": the number is a user attribute");
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
        boolean textsPossible = SmsGateway.isAvailable(session, realm);
        return CredentialTypeMetadata.builder()
                .type(TYPE)
                .category(CredentialTypeMetadata.Category.TWO_FACTOR)
                .displayName("twofactor-phone-display-name")
                .helpText("twofactor-phone-help-text")
                .iconCssClass("kcAuthenticatorOTPClass")
                .createAction(textsPossible ? ConfirmPhoneAction.PROVIDER_ID : null)
                .removeable(false)
                .build(session);
    }
}
