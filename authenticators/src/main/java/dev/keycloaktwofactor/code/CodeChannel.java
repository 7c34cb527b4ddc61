package dev.keycloaktwofactor.code;

import dev.keycloaktwofactor.policy.TwoFactorSettings;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** How a code reaches the user: email or SMS. Everything else about codes is shared. */
public interface CodeChannel {

    /** Short id for keys and events: "email", "sms". */
    String id();

    /** Where codes go, or null when the user has no usable destination on this channel. */
    String destination(UserModel user);

    /** The destination as pages show it: enough to recognise, not enough to learn. */
    String masked(String destination);

    /** Message key of the page shown when the user has no destination. */
    String missingDestinationMessage();

    /** Message key of the page shown when delivery failed. */
    String deliveryFailedMessage();

    /** @throws CodeDeliveryException when the message did not go out */
    void deliver(KeycloakSession session, RealmModel realm, UserModel user, String destination, String code,
                 CodePurpose purpose, TwoFactorSettings settings) throws CodeDeliveryException;
}
