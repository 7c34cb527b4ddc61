package dev.keycloaktwofactor.phone;

import dev.keycloaktwofactor.model.InvalidSettingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PhonePolicyTest {

    private static final PhonePolicy RU = new PhonePolicy("RU", List.of());
    private static final PhonePolicy US = new PhonePolicy("US", List.of());
    private static final PhonePolicy DE = new PhonePolicy("DE", List.of());

    private static PhoneProblem problem(PhonePolicy policy, String input) {
        try {
            policy.parse(input);
        } catch (PhoneNumberException e) {
            return e.problem();
        }
        throw new AssertionError(input + " was accepted");
    }

    @Test
    void russianNationalFormsAreReadWithTheDefaultRegionRu() {
        assertThat(RU.parse("8 (912) 345-67-89")).isEqualTo("+79123456789");
        assertThat(RU.parse("8-912-345-67-89")).isEqualTo("+79123456789");
        assertThat(RU.parse("+7 912 345 67 89")).isEqualTo("+79123456789");
        assertThat(PhonePolicy.OPEN.parse("+7 912 345 67 89")).as("international form needs no region").isEqualTo("+79123456789");
    }

    @Test
    void usAndGermanNationalFormsAreReadWithTheirRegions() {
        assertThat(US.parse("(415) 555-0100")).isEqualTo("+14155550100");
        assertThat(US.parse("415.555.0100")).isEqualTo("+14155550100");
        assertThat(DE.parse("0151 23456789")).isEqualTo("+4915123456789");
        assertThat(DE.parse("+49 151 23456789")).isEqualTo("+4915123456789");
        assertThat(DE.parse("0044 7400 123456")).as("international prefix of the region").isEqualTo("+447400123456");
    }

    @ParameterizedTest
    @ValueSource(strings = {"8 (912) 345-67-89", "(415) 555-0100", "0151 23456789", "8 916 123", "12345"})
    void withoutADefaultRegionANationalFormIsRefusedAskingForTheInternationalForm(String typed) {
        assertThatThrownBy(() -> PhonePolicy.OPEN.parse(typed)).isInstanceOf(PhoneNumberException.class)
                .hasMessageContaining("international format")
                .satisfies(e -> assertThat(((PhoneNumberException) e).problem()).isEqualTo(PhoneProblem.NEEDS_COUNTRY));
    }

    @Test
    void aNationalFormIsReadAsANumberOfTheDefaultRegion() {
        // under DE, the Russian way of writing a mobile reads as a German landline
        assertThat(problem(DE, "8 (912) 345-67-89")).isEqualTo(PhoneProblem.LANDLINE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"+10000000000", "+0123456", "+1234567890123456", "+7 912 345", "+1 415 555 0100 ext. 12"})
    void numbersOutsideTheNumberingPlanAreRefused(String typed) {
        assertThat(problem(PhonePolicy.OPEN, typed)).isEqualTo(PhoneProblem.INVALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-", "()"})
    void textIsNotANumber(String typed) {
        assertThat(problem(PhonePolicy.OPEN, typed)).isEqualTo(PhoneProblem.NOT_A_NUMBER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void nothingTypedIsMissing(String typed) {
        assertThat(problem(PhonePolicy.OPEN, typed)).isEqualTo(PhoneProblem.MISSING);
        assertThat(problem(PhonePolicy.OPEN, null)).isEqualTo(PhoneProblem.MISSING);
    }

    @ParameterizedTest
    @CsvSource({"RU,PREMIUM_RATE,PREMIUM_RATE", "US,PREMIUM_RATE,PREMIUM_RATE", "DE,PREMIUM_RATE,PREMIUM_RATE",
            "GB,PREMIUM_RATE,PREMIUM_RATE", "FR,SHARED_COST,PREMIUM_RATE", "DE,VOICEMAIL,NOT_MOBILE",
            "RU,TOLL_FREE,TOLL_FREE", "US,TOLL_FREE,TOLL_FREE", "DE,TOLL_FREE,TOLL_FREE", "GB,TOLL_FREE,TOLL_FREE",
            "GB,VOIP,VOIP", "GB,PAGER,NOT_MOBILE", "GB,PERSONAL_NUMBER,NOT_MOBILE", "GB,UAN,NOT_MOBILE",
            "RU,FIXED_LINE,LANDLINE", "DE,FIXED_LINE,LANDLINE", "GB,FIXED_LINE,LANDLINE"})
    void theLibrarysOwnExampleNumbersOfTypesThatMustNotGetCodesAreRefused(String region, PhoneNumberType type, PhoneProblem expected) {
        PhoneNumberUtil lib = PhoneNumberUtil.getInstance();
        String example = lib.format(lib.getExampleNumberForType(region, type), PhoneNumberFormat.E164);
        assertThat(problem(PhonePolicy.OPEN, example)).as(region + " " + type + " " + example).isEqualTo(expected);
        assertThat(PhonePolicy.OPEN.problemOf(example)).as("a stored one is refused too").isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"RU", "US", "DE", "GB", "KZ", "FR"})
    void theLibrarysExampleMobileNumbersAreAccepted(String region) {
        PhoneNumberUtil lib = PhoneNumberUtil.getInstance();
        String example = lib.format(lib.getExampleNumberForType(region, PhoneNumberType.MOBILE), PhoneNumberFormat.E164);
        assertThat(PhonePolicy.OPEN.parse(example)).isEqualTo(example);
    }

    @Test
    void numbersTheLibraryCannotTellFromALandlineAreAccepted() {
        // libphonenumber calls +1 415 555 01xx FIXED_LINE_OR_MOBILE and +44 20 7946 0958 FIXED_LINE
        assertThat(PhonePolicy.OPEN.parse("+1 415 555 0100")).isEqualTo("+14155550100");
        assertThat(PhonePolicy.OPEN.parse("+14155550199")).isEqualTo("+14155550199");
        assertThat(problem(PhonePolicy.OPEN, "+44 20 7946 0958")).isEqualTo(PhoneProblem.LANDLINE);
    }

    @Test
    void theLandlineRefusalSaysSoInWords() {
        assertThatThrownBy(() -> PhonePolicy.OPEN.parse("+44 20 7946 0958"))
                .hasMessage("This looks like a landline number: sign-in codes go to mobile phones.");
    }

    @Test
    void smsCountriesLimitTheCountriesOfNumbers() {
        PhonePolicy ruKz = new PhonePolicy("RU", List.of("RU", "KZ"));
        assertThat(ruKz.parse("8 912 345-67-89")).isEqualTo("+79123456789");
        assertThat(ruKz.parse("+7 701 123 4567")).as("Kazakhstan shares +7").isEqualTo("+77011234567");
        assertThatThrownBy(() -> ruKz.parse("+1 415 555 0100")).isInstanceOf(PhoneNumberException.class)
                .hasMessage("Sign-in codes are not sent to numbers in United States, only to numbers in Russia, Kazakhstan.");
        PhoneNumberException e = ruKz.problemOf("+14155550100").orElseThrow();
        assertThat(e.problem()).isEqualTo(PhoneProblem.COUNTRY_NOT_ALLOWED);
        assertThat(e.parameters(Locale.forLanguageTag("ru"))).containsExactly("Соединенные Штаты", "Россия, Казахстан");
        assertThat(ruKz.problemOf("+79123456789")).isEmpty();
    }

    @Test
    void numbersAreShownInInternationalFormatAndMaskedKeepingTheCountryAndTheLastFourDigits() {
        assertThat(PhoneNumbers.international("+79123456789")).isEqualTo("+7 912 345-67-89");
        assertThat(PhoneNumbers.international("+14155550100")).isEqualTo("+1 415-555-0100");
        assertThat(PhoneNumbers.international("+4915123456789")).isEqualTo("+49 1512 3456789");
        assertThat(PhoneNumbers.masked("+79123456789")).isEqualTo("+7 ••• •••-67-89");
        assertThat(PhoneNumbers.masked("+14155550100")).isEqualTo("+1 •••-•••-0100");
        assertThat(PhoneNumbers.masked("+447400123456")).isEqualTo("+44 •••• ••3456");
        assertThat(PhoneNumbers.masked(null)).isEqualTo("••••");
        assertThat(PhoneNumbers.masked("+12345")).isEqualTo("••••");
    }

    @Test
    void settingsAreValidatedAgainstTheLibrarysRegions() throws Exception {
        ObjectMapper json = new ObjectMapper();
        PhonePolicy merged = PhonePolicy.OPEN.merge(json.readTree("{\"defaultPhoneRegion\": \"ru\", \"smsCountries\": [\"RU\", \"kz\", \"RU\"]}"));
        assertThat(merged).isEqualTo(new PhonePolicy("RU", List.of("RU", "KZ")));
        assertThat(merged.merge(json.readTree("{\"defaultPhoneRegion\": \"\"}"))).isEqualTo(new PhonePolicy("", List.of("RU", "KZ")));
        assertThat(merged.merge(json.readTree("{\"smsCountries\": null}")).smsCountries()).isEmpty();
        for (String bad : List.of("{\"defaultPhoneRegion\": \"XX\"}", "{\"defaultPhoneRegion\": \"RUS\"}", "{\"defaultPhoneRegion\": 7}",
                "{\"defaultPhoneRegion\": \"001\"}", "{\"smsCountries\": \"RU\"}", "{\"smsCountries\": [\"RU\", \"ZZ\"]}",
                "{\"smsCountries\": [7]}")) {
            assertThatThrownBy(() -> PhonePolicy.OPEN.merge(json.readTree(bad))).as(bad).isInstanceOf(InvalidSettingException.class);
        }
        assertThat(PhonePolicy.regions()).hasSizeGreaterThan(200)
                .anySatisfy(r -> assertThat(r).containsEntry("region", "RU").containsEntry("callingCode", 7));
    }
}
