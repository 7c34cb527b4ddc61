package dev.keycloaktwofactor.policy;

/**
 * A settings value an admin sent that cannot be saved; {@code field} names it in the 400 answer and {@code code} is a
 * stable, language-neutral key (e.g. {@code ip_allowlist_invalid}) that pages translate. The English message is for
 * scripts and logs.
 */
public class InvalidSettingException extends RuntimeException {

    private final String field;
    private final String code;

    public InvalidSettingException(String field, String message) {
        this(field, null, message);
    }

    public InvalidSettingException(String field, String code, String message) {
        super(message);
        this.field = field;
        this.code = code;
    }

    public String field() {
        return field;
    }

    /** The stable code of this refusal; when none was given, {@code <field>_invalid} or {@code request_invalid}. */
    public String code() {
        if (code != null) {
            return code;
        }
        return field == null ? "request_invalid" : snake(field) + "_invalid";
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
