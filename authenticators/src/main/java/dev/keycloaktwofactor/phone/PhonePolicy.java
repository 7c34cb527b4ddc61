package dev.keycloaktwofactor.phone;

import dev.keycloaktwofactor.model.InvalidSettingException;
import dev.keycloaktwofactor.model.Refusal;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import org.keycloak.models.RealmModel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which numbers may receive sign-in codes in a realm: realm settings {@code defaultPhoneRegion} (numbers typed
 * without '+' are read as numbers of this country; empty = international form required) and {@code smsCountries}
 * (empty = any country). A number must be valid in its country's numbering plan and a mobile one (or one the
 * library cannot tell from a landline); premium-rate, toll-free, VoIP and other service numbers never get codes.
 * Stored as realm attributes {@code twofactor.<field>} beside the other settings.
 */
public record PhonePolicy(String defaultRegion, List<String> smsCountries) {

    public static final String DEFAULT_PHONE_REGION = "defaultPhoneRegion";
    public static final String SMS_COUNTRIES = "smsCountries";
    public static final List<String> FIELDS = List.of(DEFAULT_PHONE_REGION, SMS_COUNTRIES);

    /** International form required, any country. */
    public static final PhonePolicy OPEN = new PhonePolicy("", List.of());

    static final PhoneNumberUtil LIBRARY = PhoneNumberUtil.getInstance();
    private static final int MAX_INPUT = 64;

    public PhonePolicy {
        defaultRegion = defaultRegion == null ? "" : defaultRegion;
        smsCountries = List.copyOf(smsCountries);
    }

    /**
     * Read from the realm. A stored value that is not a region the library knows never widens the rule: an unknown
     * default region means international form required, an unknown SMS country matches no number.
     */
    public static PhonePolicy of(RealmModel realm) {
        String region = upper(realm.getAttribute(TwoFactorSettings.ATTRIBUTE_PREFIX + DEFAULT_PHONE_REGION));
        String countries = realm.getAttribute(TwoFactorSettings.ATTRIBUTE_PREFIX + SMS_COUNTRIES);
        List<String> list = countries == null ? List.of()
                : java.util.Arrays.stream(countries.split("[,\\s]+")).filter(s -> !s.isBlank()).map(PhonePolicy::upper).distinct().toList();
        return new PhonePolicy(LIBRARY.getSupportedRegions().contains(region) ? region : "", list);
    }

    public void writeTo(RealmModel realm) {
        realm.setAttribute(TwoFactorSettings.ATTRIBUTE_PREFIX + DEFAULT_PHONE_REGION, defaultRegion);
        realm.setAttribute(TwoFactorSettings.ATTRIBUTE_PREFIX + SMS_COUNTRIES, String.join(",", smsCountries));
    }

    public void putInto(Map<String, Object> representation) {
        representation.put(DEFAULT_PHONE_REGION, defaultRegion);
        representation.put(SMS_COUNTRIES, smsCountries);
    }

    /** The policy after a settings PUT; fields the body leaves out keep their value; bad values are refused. */
    public PhonePolicy merge(JsonNode body) {
        String region = defaultRegion;
        if (body.has(DEFAULT_PHONE_REGION)) {
            JsonNode v = body.get(DEFAULT_PHONE_REGION);
            if (!v.isNull() && !v.isTextual()) {
                throw new InvalidSettingException(DEFAULT_PHONE_REGION, Refusal.DEFAULT_PHONE_REGION_INVALID, "The country of numbers typed without + must be a country code, e.g. \"RU\".");
            }
            region = v.isNull() ? "" : upper(v.asText());
            if (!region.isEmpty() && !LIBRARY.getSupportedRegions().contains(region)) {
                throw new InvalidSettingException(DEFAULT_PHONE_REGION, Refusal.DEFAULT_PHONE_REGION_INVALID, "The country of numbers typed "
                        + "without + must be empty or an ISO 3166 alpha-2 country code with its own phone numbers, e.g. \"RU\" or \"DE\"; '"
                        + v.asText() + "' is not one.", v.asText());
            }
        }
        List<String> countries = smsCountries;
        if (body.has(SMS_COUNTRIES)) {
            JsonNode v = body.get(SMS_COUNTRIES);
            if (!v.isNull() && !v.isArray()) {
                throw new InvalidSettingException(SMS_COUNTRIES, Refusal.SMS_COUNTRIES_INVALID, "The SMS countries must be a list of ISO 3166 alpha-2 codes, e.g. [\"RU\", \"KZ\"].");
            }
            List<String> list = new ArrayList<>();
            for (JsonNode entry : v.isNull() ? List.<JsonNode>of() : (Iterable<JsonNode>) v::elements) {
                String code = entry.isTextual() ? upper(entry.asText()) : "";
                if (!LIBRARY.getSupportedRegions().contains(code)) {
                    throw new InvalidSettingException(SMS_COUNTRIES, Refusal.SMS_COUNTRIES_INVALID, "Invalid SMS country: " + entry
                            + " is not an ISO 3166 alpha-2 country code with its own phone numbers.", entry.isTextual() ? entry.asText() : entry.toString());
                }
                if (!list.contains(code)) {
                    list.add(code);
                }
            }
            countries = list;
        }
        return new PhonePolicy(region, countries);
    }

    /**
     * The E.164 form of a number as a person typed it ({@code +7 912 345-67-89}, or {@code 8 (912) 345-67-89} with
     * {@code defaultPhoneRegion} RU), if it may receive codes in this realm.
     *
     * @throws PhoneNumberException naming the problem
     */
    public String parse(String input) {
        if (input == null || input.isBlank()) {
            throw new PhoneNumberException(PhoneProblem.MISSING, this, null);
        }
        String typed = input.strip();
        if (typed.length() > MAX_INPUT) {
            throw new PhoneNumberException(PhoneProblem.NOT_A_NUMBER, this, null);
        }
        PhoneNumber number;
        try {
            number = LIBRARY.parse(typed, defaultRegion.isEmpty() ? "ZZ" : defaultRegion);
        } catch (NumberParseException e) {
            throw new PhoneNumberException(switch (e.getErrorType()) {
                case NOT_A_NUMBER -> PhoneProblem.NOT_A_NUMBER;
                case INVALID_COUNTRY_CODE -> typed.startsWith("+") || !defaultRegion.isEmpty()
                        ? PhoneProblem.INVALID : PhoneProblem.NEEDS_COUNTRY;
                default -> PhoneProblem.INVALID;
            }, this, null);
        }
        refuseIfUnfit(number);
        return LIBRARY.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
    }

    /** Why a stored number may not receive codes now (it may have been stored before the rules or the lists changed). */
    public Optional<PhoneNumberException> problemOf(String e164) {
        try {
            PhoneNumber number = LIBRARY.parse(e164 == null ? "" : e164, "ZZ");
            refuseIfUnfit(number);
            return Optional.empty();
        } catch (NumberParseException e) {
            return Optional.of(new PhoneNumberException(PhoneProblem.INVALID, this, null));
        } catch (PhoneNumberException e) {
            return Optional.of(e);
        }
    }

    public boolean permits(String e164) {
        return problemOf(e164).isEmpty();
    }

    private void refuseIfUnfit(PhoneNumber number) {
        if (number.hasExtension() || !LIBRARY.isValidNumber(number)) {
            throw new PhoneNumberException(PhoneProblem.INVALID, this, null);
        }
        String region = LIBRARY.getRegionCodeForNumber(number);
        PhoneProblem typeProblem = switch (LIBRARY.getNumberType(number)) {
            case MOBILE, FIXED_LINE_OR_MOBILE -> null;
            // where the numbering plan has no mobile ranges of its own, the library cannot tell: accept
            case FIXED_LINE -> LIBRARY.getExampleNumberForType(region, PhoneNumberType.MOBILE) == null ? null : PhoneProblem.LANDLINE;
            case PREMIUM_RATE, SHARED_COST -> PhoneProblem.PREMIUM_RATE;
            case TOLL_FREE -> PhoneProblem.TOLL_FREE;
            case VOIP -> PhoneProblem.VOIP;
            default -> PhoneProblem.NOT_MOBILE;
        };
        if (typeProblem != null) {
            throw new PhoneNumberException(typeProblem, this, region);
        }
        if (!smsCountries.isEmpty() && !smsCountries.contains(region)) {
            throw new PhoneNumberException(PhoneProblem.COUNTRY_NOT_ALLOWED, this, region);
        }
    }

    /** The library's regions with their calling codes, for the Security page's country picker. */
    public static List<Map<String, Object>> regions() {
        return LIBRARY.getSupportedRegions().stream().sorted().map(r -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("region", r);
            row.put("callingCode", LIBRARY.getCountryCodeForRegion(r));
            return row;
        }).toList();
    }

    /** [the country of a number, the realm's SMS countries], as a person reads them. */
    static List<String> describeRegions(PhonePolicy policy, String region, Locale locale) {
        return List.of(regionName(region, locale),
                policy.smsCountries.stream().map(r -> regionName(r, locale)).collect(Collectors.joining(", ")));
    }

    static String regionName(String region, Locale locale) {
        if (region == null || !region.matches("[A-Z]{2}")) {
            return region == null ? "" : region; // "001": a non-geographic number (satellite, international services)
        }
        String name = new Locale.Builder().setRegion(region).build().getDisplayCountry(locale);
        return name.isBlank() ? region : name;
    }

    private static String upper(String s) {
        return s == null ? "" : s.strip().toUpperCase(Locale.ROOT);
    }
}
