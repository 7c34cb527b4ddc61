package dev.keycloaktwofactor.policy;

/** A settings value an admin sent that cannot be saved; {@code field} names it in the 400 answer. */
public class InvalidSettingException extends RuntimeException {

    private final String field;

    public InvalidSettingException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
