package dev.keycloaktwofactor.phone;

/**
 * Why a phone number cannot receive sign-in codes. Each has a stable machine code (REST answers, the Security page),
 * a message key for the login pages and English words for the REST answer ({0}: the number's country, {1}: the
 * realm's SMS countries).
 */
public enum PhoneProblem {
    MISSING("phone_missing", "twofactorPhoneMissing", "Enter a phone number."),
    NEEDS_COUNTRY("phone_needs_country", "twofactorPhoneNeedsCountry",
            "Enter the number in international format: '+', the country code and the number, e.g. +7 912 345-67-89."),
    NOT_A_NUMBER("phone_not_a_number", "twofactorPhoneNotANumber", "This is not a phone number."),
    INVALID("phone_invalid", "twofactorPhoneNotValid",
            "This number does not exist in its country's numbering plan: check the digits and the country code."),
    LANDLINE("phone_landline", "twofactorPhoneLandline",
            "This looks like a landline number: sign-in codes go to mobile phones."),
    PREMIUM_RATE("phone_premium_rate", "twofactorPhonePremiumRate",
            "This is a premium-rate or shared-cost number: sign-in codes go to mobile phones."),
    TOLL_FREE("phone_toll_free", "twofactorPhoneTollFree",
            "This is a toll-free number: sign-in codes go to mobile phones."),
    VOIP("phone_voip", "twofactorPhoneVoip",
            "This is an internet (VoIP) number: sign-in codes go to mobile phones."),
    NOT_MOBILE("phone_not_mobile", "twofactorPhoneNotMobile",
            "This is not a mobile number (pager, voicemail, personal or service number): sign-in codes go to mobile phones."),
    COUNTRY_NOT_ALLOWED("phone_country_not_allowed", "twofactorPhoneCountry",
            "Sign-in codes are not sent to numbers in {0}, only to numbers in {1}.");

    private final String code;
    private final String messageKey;
    private final String english;

    PhoneProblem(String code, String messageKey, String english) {
        this.code = code;
        this.messageKey = messageKey;
        this.english = english;
    }

    /** Stable snake_case code, e.g. {@code phone_landline}. */
    public String code() {
        return code;
    }

    /** Key in the theme's messages (en, ru). */
    public String messageKey() {
        return messageKey;
    }

    /** The English text with {0} and {1} still to fill in. */
    public String english() {
        return english;
    }
}
