package dev.keycloaktwofactor.flow;

import dev.keycloaktwofactor.sms.SmsGateway;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Puts "Phone for sign-in codes" on the account console's Signing in page, with a set-up button that starts
 * {@link ConfirmPhoneAction} (enter the number and confirm it by SMS; a confirmed number is shown there with Unpin).
 * It stores nothing (the number is the user's {@code phoneNumber} attribute) and offers the action only where texts can
 * be sent: a gateway is configured and SMS is activated for the realm.
 */
public class PhoneCredentialEntry extends AccountConsoleEntry {

    public static final String TYPE = "twofactor-phone";

    public PhoneCredentialEntry() {
        this(null);
    }

    private PhoneCredentialEntry(KeycloakSession session) {
        super(session, TYPE, "twofactor-phone-display-name", "twofactor-phone-help-text", ConfirmPhoneAction.PROVIDER_ID,
                "the number is a user attribute");
    }

    @Override
    public CredentialProvider create(KeycloakSession session) {
        return new PhoneCredentialEntry(session);
    }

    @Override
    boolean offered(RealmModel realm, UserModel user) {
        return SmsGateway.isAvailable(session, realm);
    }
}
