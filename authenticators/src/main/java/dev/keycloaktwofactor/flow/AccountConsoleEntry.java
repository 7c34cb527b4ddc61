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
 * A two-factor row on the account console's Signing in page that holds no credentials of its own: its set-up button
 * starts one of our required actions, and only while {@link #offered} says so. What it sets up is kept elsewhere (a
 * user attribute, Keycloak's own credential), so nothing can be stored or deleted as its type. The row's name and
 * help are the theme's messages {@code <type>-display-name} and {@code <type>-help-text}. The credential type is the
 * provider id. Each entry is its own factory (a public no-argument constructor for Keycloak's service loader) and
 * makes a provider per session with {@link #create}.
 */
abstract class AccountConsoleEntry<P extends AccountConsoleEntry<P>>
        implements CredentialProvider<CredentialModel>, CredentialProviderFactory<P> {

    private final String type;
    private final String action;
    private final String keptAs;
    /** The request's session; null in the factory, which only makes providers. */
    protected final KeycloakSession session;

    /**
     * @param type   the credential type, also the provider id
     * @param action the required action the set-up button starts
     * @param keptAs where what is set up is kept instead, for the refusal to store anything as {@code type}
     */
    AccountConsoleEntry(String type, String action, String keptAs, KeycloakSession session) {
        this.type = type;
        this.action = action;
        this.keptAs = keptAs;
        this.session = session;
    }

    /** Whether the set-up button shows, in the session's realm, for the context's user (null when there is none). */
    abstract boolean offered(RealmModel realm, CredentialTypeMetadataContext context);

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
        throw new IllegalArgumentException("Nothing is stored as " + type + ": " + keptAs);
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
        return CredentialTypeMetadata.builder()
                .type(type)
                .category(CredentialTypeMetadata.Category.TWO_FACTOR)
                .displayName(type + "-display-name")
                .helpText(type + "-help-text")
                .iconCssClass("kcAuthenticatorOTPClass")
                .createAction(offered(session.getContext().getRealm(), context) ? action : null)
                .removeable(false)
                .build(session);
    }
}
