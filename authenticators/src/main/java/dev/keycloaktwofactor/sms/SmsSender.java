package dev.keycloaktwofactor.sms;

import org.keycloak.provider.Provider;

/** Delivers one text message. Implementations are picked server-wide with {@code --spi-twofactor-sms--provider}. */
public interface SmsSender extends Provider {

    /**
     * @param to E.164 number, already confirmed by the caller
     * @param text the whole message body
     * @throws SmsDeliveryException when the gateway refuses, fails or times out
     */
    void send(String to, String text) throws SmsDeliveryException;

    @Override
    default void close() {
    }
}
