package dev.keycloaktwofactor.sms;

import org.keycloak.models.KeycloakSession;

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

    public static Optional<SmsSender> sender(KeycloakSession session) {
        return isConfigured(session) ? Optional.ofNullable(session.getProvider(SmsSender.class)) : Optional.empty();
    }

    private static Optional<SmsSenderFactory> factory(KeycloakSession session) {
        return Optional.ofNullable((SmsSenderFactory) session.getKeycloakSessionFactory().getProviderFactory(SmsSender.class));
    }
}
