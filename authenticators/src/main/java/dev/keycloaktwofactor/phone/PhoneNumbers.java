package dev.keycloaktwofactor.phone;

import dev.keycloaktwofactor.policy.InvalidSettingException;

import java.util.regex.Pattern;

/** Phone numbers are stored in E.164 only: '+', country code, subscriber number, at most 15 digits. */
public final class PhoneNumbers {

    public static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{1,14}$");
    public static final String FIELD = "phoneNumber";

    private PhoneNumbers() {
    }

    /**
     * The E.164 form of what a person typed: spaces, dots, dashes and brackets are dropped, nothing else is
     * guessed (no country is added to a number without '+').
     *
     * @throws InvalidSettingException naming {@code phoneNumber}, with a message fit for the person
     */
    public static String parse(String input) {
        if (input == null || input.isBlank()) {
            throw new InvalidSettingException(FIELD, "Enter a phone number in international format, e.g. +14155550100.");
        }
        String compact = input.strip().replaceAll("[\\s.()\\-]", "");
        if (!E164.matcher(compact).matches()) {
            throw new InvalidSettingException(FIELD, "The phone number must be in international (E.164) format: "
                    + "'+', the country code and the number, up to 15 digits, e.g. +14155550100.");
        }
        return compact;
    }
}
