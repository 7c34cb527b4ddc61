package dev.keycloaktwofactor.phone;

import org.keycloak.models.UserModel;

/**
 * A user's phone for sign-in codes. It counts as confirmed only while {@code phoneNumberVerified} is "true" AND the
 * number is the one that was confirmed: a number changed by any other path (the admin console's user form, an
 * import) is unconfirmed without anybody having to remember to reset the flag.
 */
public record PhoneRecord(String number, boolean confirmed, String confirmedBy) {

    public static final String NUMBER = "phoneNumber";
    public static final String VERIFIED = "phoneNumberVerified";
    /** Who confirmed: "self" (by SMS) or "admin". Written by the server only. */
    public static final String VERIFIED_BY = "phoneNumberVerifiedBy";
    /** The number that was confirmed. Written by the server only. */
    public static final String VERIFIED_FOR = "phoneNumberVerifiedFor";

    public static PhoneRecord of(UserModel user) {
        String number = user.getFirstAttribute(NUMBER);
        boolean confirmed = number != null && "true".equals(user.getFirstAttribute(VERIFIED))
                && number.equals(user.getFirstAttribute(VERIFIED_FOR));
        return new PhoneRecord(number, confirmed, confirmed ? user.getFirstAttribute(VERIFIED_BY) : null);
    }

    /** Attaches or replaces the number; it is unconfirmed until confirmed again. */
    public static void attach(UserModel user, String e164) {
        user.setSingleAttribute(NUMBER, e164);
        unconfirm(user);
    }

    public static void detach(UserModel user) {
        user.removeAttribute(NUMBER);
        unconfirm(user);
    }

    public static void confirm(UserModel user, String by) {
        String number = user.getFirstAttribute(NUMBER);
        user.setSingleAttribute(VERIFIED, "true");
        user.setSingleAttribute(VERIFIED_BY, by);
        user.setSingleAttribute(VERIFIED_FOR, number);
    }

    /** Clears the confirmation (the number stays). */
    public static void unconfirm(UserModel user) {
        user.setSingleAttribute(VERIFIED, "false");
        user.removeAttribute(VERIFIED_BY);
        user.removeAttribute(VERIFIED_FOR);
    }
}
