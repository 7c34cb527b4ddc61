package dev.keycloaktwofactor.phone;

/**
 * How a phone number appears on pages, in emails, API answers and logs: the last four digits only, enough for a
 * person (or an admin comparing with what a user says) to recognise it, not enough to call it.
 */
public final class PhoneMask {

    private PhoneMask() {
    }

    public static String mask(String e164) {
        if (e164 == null || e164.length() < 8) {
            return "••••";
        }
        return "•••• " + e164.substring(e164.length() - 4);
    }
}
