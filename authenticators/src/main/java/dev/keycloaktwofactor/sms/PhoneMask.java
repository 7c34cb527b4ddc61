package dev.keycloaktwofactor.sms;

/** How a phone number appears on pages, in emails and in logs: the last digits only. */
public final class PhoneMask {

    private PhoneMask() {
    }

    public static String mask(String e164) {
        if (e164 == null || e164.length() < 4) {
            return "••••";
        }
        return "•••• " + e164.substring(e164.length() - 2);
    }
}
