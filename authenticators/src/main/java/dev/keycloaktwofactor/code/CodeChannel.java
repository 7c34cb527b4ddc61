package dev.keycloaktwofactor.code;

import dev.keycloaktwofactor.model.TwoFactorSettings;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** How a code reaches the user: email or SMS. Everything else about codes is shared. */
public interface CodeChannel {

    /** Short id for keys and events: "email", "sms". */
    String id();

    /** Where codes go for this step's user, or null when there is no usable destination on this channel. */
    String destination(CodeStep step);

    /** The destination as pages show it: enough to recognise, not enough to learn. */
    String masked(String destination);

    /** Message key of the page shown when the user has no destination. */
    String missingDestinationMessage();

    /** A template of its own for that page, or null for the generic message page. */
    default String missingDestinationTemplate() {
        return null;
    }

    /** Adds to that page why a destination on file cannot be used, if it can say. */
    default void describeMissingDestination(CodeStep step, org.keycloak.forms.login.LoginFormsProvider page) {
    }

    /** @throws CodeDeliveryException when the message did not go out */
    void deliver(KeycloakSession session, RealmModel realm, UserModel user, String destination, String code,
                 CodePurpose purpose, TwoFactorSettings settings) throws CodeDeliveryException;
}
