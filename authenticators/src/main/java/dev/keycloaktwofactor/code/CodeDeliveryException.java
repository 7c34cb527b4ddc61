package dev.keycloaktwofactor.code;

/** A code could not be delivered. The message is for the server log: it never holds the code or a full address. */
public class CodeDeliveryException extends Exception {
    public CodeDeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
