package dev.keycloaktwofactor.sms;

/** The gateway did not take the message. The message is for logs and never contains the text or the full number. */
public class SmsDeliveryException extends Exception {

    public SmsDeliveryException(String message) {
        super(message);
    }

    public SmsDeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
