package dev.keycloaktwofactor.flow;

import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.credential.CredentialTypeMetadataContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * An entry of ours on the account console's Signing in page ({@link PhoneCredentialEntry}, {@link
 * SetupAppCredentialProvider}): a two-factor credential type that stores nothing of its own, whose set-up button
 * starts one of our required actions, and only while that action can do its work ({@link #offered}). The provider
 * and its factory are one class; the factory is the instance without a session.
 */
abstract class AccountConsoleEntry implements CredentialProvider<CredentialModel>, CredentialProviderFactory<AccountConsoleEntry> {

    protected final KeycloakSession session;
    private final String type;
    private final String displayName;
    private final String helpText;
    private final String action;
    private final String whereItIs;

    /**
     * @param displayName the message key of the entry's name, {@code helpText} of its line below
     * @param action      the required action the set-up button starts
     * @param whereItIs   what is there instead of a stored credential, for the refusal to store one
     */
    AccountConsoleEntry(KeycloakSession session, String type, String displayName, String helpText, String action, String whereItIs) {
        this.session = session;
        this.type = type;
        this.displayName = displayName;
        this.helpText = helpText;
        this.action = action;
        this.whereItIs = whereItIs;
    }

    /** Whether the set-up button shows: the action can do its work in this realm, for this user (null: any). */
    abstract boolean offered(RealmModel realm, UserModel user);

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return type;
    }

    @Override
    public String getType() {
        return type;
    }

    @Override
    public CredentialModel createCredential(RealmModel realm, UserModel user, CredentialModel credentialModel) {
        throw new IllegalArgumentException("Nothing is stored as " + type + ": " + whereItIs);
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
        boolean offered = offered(session.getContext().getRealm(), context.getUser());
        return CredentialTypeMetadata.builder()
                .type(type)
                .category(CredentialTypeMetadata.Category.TWO_FACTOR)
                .displayName(displayName)
                .helpText(helpText)
                .iconCssClass("kcAuthenticatorOTPClass")
                .createAction(offered ? action : null)
                .removeable(false)
                .build(session);
    }
}
