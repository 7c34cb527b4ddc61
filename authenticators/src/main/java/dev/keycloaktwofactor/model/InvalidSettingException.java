package dev.keycloaktwofactor.model;

/**
 * A settings value an admin sent that cannot be saved; {@code field} names it in the 400 answer and {@code code} is a
 * stable, language-neutral key (e.g. {@code ip_allowlist_invalid}, see {@link Refusal}) that pages translate. The
 * English message is for scripts and logs; {@code value} (optional) is the part a page puts into its own sentence,
 * e.g. the allowlist entry that is not an address.
 */
public class InvalidSettingException extends RuntimeException {

    private final String field;
    private final String code;
    private final String value;

    /** Without a {@link Refusal}: the code becomes {@code <field>_invalid}. Prefer a {@link Refusal}. */
    public InvalidSettingException(String field, String message) {
        this(field, (String) null, message);
    }

    public InvalidSettingException(String field, String code, String message) {
        super(message);
        this.field = field;
        this.code = code;
        this.value = null;
    }

    public InvalidSettingException(String field, Refusal refusal, String message) {
        this(field, refusal, message, null);
    }

    public InvalidSettingException(String field, Refusal refusal, String message, String value) {
        super(message);
        this.field = field;
        this.code = refusal.code();
        this.value = value;
    }

    public String field() {
        return field;
    }

    /** What a page puts into its own text of this refusal, or null. */
    public String value() {
        return value;
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
