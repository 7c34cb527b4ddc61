package dev.keycloaktwofactor.sms;

import dev.keycloaktwofactor.model.MasterSide;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.Optional;

/**
 * The gateway the operator chose. With no {@code --spi-twofactor-sms--provider} option there is none:
 * both of our providers have the same order, so Keycloak picks no default and SMS stays off.
 */
public final class SmsGateway {

    private SmsGateway() {
    }

    public static boolean isConfigured(KeycloakSession session) {
        return factory(session).map(SmsSenderFactory::isConfigured).orElse(false);
    }

    /**
     * Texts may go out for this realm: a gateway is configured AND a master-realm admin activated SMS here
     * ({@code smsAvailable}). Every send checks it, whatever page asks.
     */
    public static boolean isAvailable(KeycloakSession session, RealmModel realm) {
        return isConfigured(session) && MasterSide.smsActivated(realm);
    }

    public static Optional<SmsSender> sender(KeycloakSession session) {
        return isConfigured(session) ? Optional.ofNullable(session.getProvider(SmsSender.class)) : Optional.empty();
    }

    private static Optional<SmsSenderFactory> factory(KeycloakSession session) {
        return Optional.ofNullable((SmsSenderFactory) session.getKeycloakSessionFactory().getProviderFactory(SmsSender.class));
    }
}
