package dev.keycloaktwofactor.model;

import java.util.Locale;

/**
 * Why the admin REST API refused a request: the stable {@code "code"} of its 4xx answers (beside the English
 * {@code "error"}), which the Security page translates. Phone numbers have their own codes ({@code PhoneProblem}).
 * A new refusal gets a constant here and a message in both languages of the page (a test holds them together).
 */
public enum Refusal {
    /** The body is not a JSON object, or not JSON. */
    REQUEST_INVALID,
    SETTING_UNKNOWN,
    METHOD_INVALID,
    CODE_LENGTH_INVALID,
    CODE_TTL_SECONDS_INVALID,
    RESEND_COOLDOWN_SECONDS_INVALID,
    MAX_RESENDS_INVALID,
    MAX_CODE_ATTEMPTS_INVALID,
    LOCKOUT_SECONDS_INVALID,
    ALLOW_APP_OPT_IN_INVALID,
    SMS_ACTIVATED_INVALID,
    /** Not a list, or an entry that is not an address or CIDR range ({@code value}: the entry). */
    IP_ALLOWLIST_INVALID,
    IP_ALLOWLIST_TOO_LONG,
    /** The admin's own address would not be in the list ({@code value}: the address). */
    IP_ALLOWLIST_LOCKS_YOU_OUT,
    /** Not a list, or an entry that is not an address or CIDR range ({@code value}: the entry). */
    TRUSTED_NETWORKS_INVALID,
    TRUSTED_NETWORKS_TOO_LONG,
    /** Only a master-realm admin may switch SMS on or off for a realm. */
    SMS_ACTIVATED_MASTER_ONLY,
    SMS_NOT_ACTIVATED,
    SMS_NO_GATEWAY,
    /** The admin saving the method could not sign in with it ({@code value}: the method). */
    METHOD_LOCKS_YOU_OUT,
    /** The realm's browser flow has no password step to put the second factor after. */
    METHOD_FLOW_UNSUITABLE,
    DEFAULT_PHONE_REGION_INVALID,
    SMS_COUNTRIES_INVALID,
    SUPPORT_ACCESS_MINUTES_INVALID,
    SUPPORT_ACCESS_NOT_FOR_MASTER,
    SUPPORT_GROUP_MISSING,
    PHONE_BODY_INVALID,
    PHONE_NONE_TO_CONFIRM,
    /** An admin confirming their own number (403): it is confirmed by SMS. */
    OWN_NUMBER;

    /** The snake_case code, e.g. {@code ip_allowlist_locks_you_out}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
