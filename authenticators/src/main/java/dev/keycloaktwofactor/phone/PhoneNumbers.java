package dev.keycloaktwofactor.phone;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

import java.util.regex.Pattern;

/** Phone numbers are stored in E.164 only ('+', country code, subscriber number) and shown in international format. */
public final class PhoneNumbers {

    public static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{1,14}$");
    public static final String FIELD = "phoneNumber";

    private PhoneNumbers() {
    }

    /**
     * The E.164 form of a number typed in international form, if it can receive codes (any country).
     *
     * @throws PhoneNumberException naming {@code phoneNumber}, with a message fit for the person
     */
    public static String parse(String input) {
        return PhonePolicy.OPEN.parse(input);
    }

    /** {@code +79123456789} as people write it: {@code +7 912 345-67-89}; anything unreadable as stored. */
    public static String international(String e164) {
        PhoneNumber number = read(e164);
        return number == null ? e164 : PhonePolicy.LIBRARY.format(number, PhoneNumberFormat.INTERNATIONAL);
    }

    /**
     * The international format with every digit but the country code and the last four hidden:
     * {@code +7 ••• •••-67-89}. Enough to recognise one's number and its country, not enough to call it.
     */
    public static String masked(String e164) {
        PhoneNumber number = read(e164);
        if (number == null) {
            return PhoneMask.mask(e164);
        }
        String shown = PhonePolicy.LIBRARY.format(number, PhoneNumberFormat.INTERNATIONAL);
        String prefix = "+" + number.getCountryCode();
        if (!shown.startsWith(prefix) || e164.length() < 8) {
            return PhoneMask.mask(e164);
        }
        StringBuilder rest = new StringBuilder(shown.substring(prefix.length()));
        int keep = 4;
        for (int i = rest.length() - 1; i >= 0; i--) {
            if (Character.isDigit(rest.charAt(i))) {
                if (keep > 0) {
                    keep--;
                } else {
                    rest.setCharAt(i, '•');
                }
            }
        }
        return prefix + rest;
    }

    private static PhoneNumber read(String e164) {
        if (e164 == null || !E164.matcher(e164).matches()) {
            return null;
        }
        try {
            return PhonePolicy.LIBRARY.parse(e164, "ZZ");
        } catch (NumberParseException e) {
            return null;
        }
    }
}
