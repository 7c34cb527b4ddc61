package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.EmailCodes;
import dev.keycloaktwofactor.it.support.ExtraServerOptions;
import dev.keycloaktwofactor.it.support.HttpAnswer;
import dev.keycloaktwofactor.it.support.Json;
import dev.keycloaktwofactor.it.support.KeycloakServer;
import dev.keycloaktwofactor.it.support.PhonePage;
import dev.keycloaktwofactor.it.support.TestRealm;
import dev.keycloaktwofactor.it.support.TwilioStub;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Phone numbers as people type them (libphonenumber, bundled and relocated in the JAR), only valid mobile numbers,
 * and texts only to the realm's SMS countries: on every path that writes or texts a number.
 */
class PhoneNumbersIT {

    private static final TwilioStub twilio = ExtraServerOptions.twilio();

    private static String phonePath(TestRealm r, String id) {
        return "/" + r.name + "/twofactor/users/" + id + "/phone";
    }

    private static String storedPhone(TestRealm r, String id) {
        JsonNode values = r.admin.ok(r.admin.get("/" + r.name + "/users/" + id)).path("attributes").path("phoneNumber");
        return values.isEmpty() ? null : values.get(0).asText();
    }

    private static JsonNode state(TestRealm r, String id) {
        return r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users/" + id));
    }

    private static void assertRefused(HttpAnswer answer, String code, String words) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.json().path("code").asText()).isEqualTo(code);
        assertThat(answer.json().path("field").asText()).isEqualTo("phoneNumber");
        assertThat(answer.json().path("error").asText()).contains(words);
    }

    /** Keycloak's own users API: the user representation with {@code phoneNumber} set to {@code value}. */
    private static HttpAnswer keycloakUserUpdate(TestRealm r, String id, String value) {
        JsonNode user = r.admin.ok(r.admin.get("/" + r.name + "/users/" + id));
        (user.hasNonNull("attributes") ? (ObjectNode) user.get("attributes") : ((ObjectNode) user).putObject("attributes"))
                .putArray("phoneNumber").add(value);
        return r.admin.put("/" + r.name + "/users/" + id, user);
    }

    @Test
    void theSettingsTakeOnlyRegionsTheLibraryKnowsAndTheSecurityPageGetsTheRegionsWithCallingCodes() {
        TestRealm r = TestRealm.create("phone-settings");
        JsonNode fresh = r.settings();
        assertThat(fresh.get("defaultPhoneRegion").asText()).isEmpty();
        assertThat(fresh.get("smsCountries")).isEmpty();

        JsonNode saved = r.admin.ok(r.putSettings(r.admin, Map.of("defaultPhoneRegion", "ru", "smsCountries", List.of("RU", "kz", "RU"))));
        assertThat(saved.get("defaultPhoneRegion").asText()).isEqualTo("RU");
        assertThat(saved.get("smsCountries").toString()).isEqualTo("[\"RU\",\"KZ\"]");

        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("defaultPhoneRegion", "XX"),
                Map.of("defaultPhoneRegion", "RUS"), Map.of("defaultPhoneRegion", 7), Map.of("smsCountries", "RU"),
                Map.of("smsCountries", List.of("RU", "ZZ")), Map.of("smsCountries", List.of("001")),
                Map.of("method", "email", "smsCountries", List.of("SU")))) {
            HttpAnswer refused = r.putSettings(r.admin, bad);
            assertThat(refused.status()).as(bad.toString()).isEqualTo(400);
            assertThat(refused.json().get("field").asText()).isEqualTo(bad.containsKey("smsCountries") ? "smsCountries" : "defaultPhoneRegion");
        }
        JsonNode after = r.settings();
        assertThat(after.get("defaultPhoneRegion").asText()).isEqualTo("RU");
        assertThat(after.get("smsCountries").toString()).isEqualTo("[\"RU\",\"KZ\"]");
        assertThat(after.get("method").asText()).as("a refused PUT stores nothing").isEqualTo("none");

        JsonNode regions = r.admin.ok(r.admin.get("/" + r.name + "/twofactor/phone-regions")).get("regions");
        assertThat(regions.size()).isGreaterThan(200);
        assertThat(regions).anySatisfy(x -> assertThat(x.toString()).isEqualTo("{\"region\":\"RU\",\"callingCode\":7}"));
        assertThat(regions).anySatisfy(x -> assertThat(x.toString()).isEqualTo("{\"region\":\"DE\",\"callingCode\":49}"));

    }

    @Test
    void aRealmImportedWithPhoneSettingsTheLibraryDoesNotKnowNeverWidensTheRules() {
        AdminClient admin = AdminClient.master(KeycloakServer.get());
        String name = "phone-imported-" + Long.toString(System.nanoTime() % 100000, 36);
        admin.ok(admin.post("", Map.of("realm", name, "enabled", true, "attributes",
                Map.of("twofactor.defaultPhoneRegion", "XX", "twofactor.smsCountries", "US,XX"))));
        JsonNode settings = admin.ok(admin.get("/" + name + "/twofactor/settings"));
        assertThat(settings.get("defaultPhoneRegion").asText()).as("unknown region: international form required").isEmpty();
        admin.ok(admin.post("/" + name + "/users", Map.of("username", "agent", "enabled", true)));
        String id = admin.ok(admin.get("/" + name + "/users?exact=true&username=agent")).get(0).get("id").asText();
        String path = "/" + name + "/twofactor/users/" + id + "/phone";
        assertRefused(admin.put(path, Map.of("phoneNumber", "8 912 345-67-89")), "phone_needs_country", "international format");
        assertRefused(admin.put(path, Map.of("phoneNumber", "+7 912 345-67-89")), "phone_country_not_allowed", "Russia");
        admin.ok(admin.put(path, Map.of("phoneNumber", "+1 415 555 0190")));

        String only = "phone-imported-xx-" + Long.toString(System.nanoTime() % 100000, 36);
        admin.ok(admin.post("", Map.of("realm", only, "enabled", true, "attributes", Map.of("twofactor.smsCountries", "XX"))));
        admin.ok(admin.post("/" + only + "/users", Map.of("username", "agent", "enabled", true)));
        String other = admin.ok(admin.get("/" + only + "/users?exact=true&username=agent")).get(0).get("id").asText();
        assertRefused(admin.put("/" + only + "/twofactor/users/" + other + "/phone", Map.of("phoneNumber", "+14155550191")),
                "phone_country_not_allowed", "United States");
    }

    @Test
    void nationalFormsAreReadWithTheDefaultRegionStoredInE164AndShownInInternationalFormat() {
        TestRealm r = TestRealm.create("phone-national");
        String id = r.addUser("agent", "agent-pw");
        assertRefused(r.admin.put(phonePath(r, id), Map.of("phoneNumber", "8 (912) 345-67-89")), "phone_needs_country", "international format");
        assertThat(storedPhone(r, id)).isNull();

        r.admin.ok(r.putSettings(r.admin, Map.of("defaultPhoneRegion", "RU")));
        JsonNode ru = r.admin.ok(r.admin.put(phonePath(r, id), Map.of("phoneNumber", "8 (912) 345-67-89")));
        assertThat(storedPhone(r, id)).isEqualTo("+79123456789");
        assertThat(ru.get("phoneNumber").asText()).as("international format, masked").isEqualTo("+7 ••• •••-67-89");
        assertThat(EmailCodes.next(r, "agent").text()).contains("+7 ••• •••-67-89").doesNotContain("345-67");
        r.admin.ok(r.admin.put(phonePath(r, id), Map.of("phoneNumber", "+7 912 345 67 88")));
        assertThat(storedPhone(r, id)).isEqualTo("+79123456788");

        r.admin.ok(r.putSettings(r.admin, Map.of("defaultPhoneRegion", "US")));
        r.admin.ok(r.admin.put(phonePath(r, id), Map.of("phoneNumber", "(415) 555-0180")));
        assertThat(storedPhone(r, id)).isEqualTo("+14155550180");
        assertThat(state(r, id).get("phoneNumber").asText()).isEqualTo("+1 •••-•••-0180");

        r.admin.ok(r.putSettings(r.admin, Map.of("defaultPhoneRegion", "DE")));
        r.admin.ok(r.admin.put(phonePath(r, id), Map.of("phoneNumber", "0151 23456789")));
        assertThat(storedPhone(r, id)).isEqualTo("+4915123456789");

        r.admin.ok(r.putSettings(r.admin, Map.of("defaultPhoneRegion", "")));
        assertRefused(r.admin.put(phonePath(r, id), Map.of("phoneNumber", "0151 23456789")), "phone_needs_country", "international format");
        assertThat(storedPhone(r, id)).isEqualTo("+4915123456789");
    }

    @Test
    void numbersThatCannotReceiveCodesAreRefusedNamingTheProblem() {
        TestRealm r = TestRealm.create("phone-types");
        String id = r.addUser("agent", "agent-pw");
        r.admin.ok(r.admin.put(phonePath(r, id), Map.of("phoneNumber", "+14155550181")));
        // the library's own example numbers (PhoneNumberUtil.getExampleNumberForType): premium rate, toll free, landline
        assertRefused(r.admin.put(phonePath(r, id), Map.of("phoneNumber", "+7 809 123-45-67")), "phone_premium_rate", "premium-rate");
        assertRefused(r.admin.put(phonePath(r, id), Map.of("phoneNumber", "+1 900 234 5678")), "phone_premium_rate", "premium-rate");
        assertRefused(r.admin.put(phonePath(r, id), Map.of("phoneNumber", "+7 800 123-45-67")), "phone_toll_free", "toll-free");
        assertRefused(r.admin.put(phonePath(r, id), Map.of("phoneNumber", "+1 800 234 5678")), "phone_toll_free", "toll-free");
        assertRefused(r.admin.put(phonePath(r, id), Map.of("phoneNumber", "+44 20 7946 0958")), "phone_landline",
                "This looks like a landline number: sign-in codes go to mobile phones.");
        assertRefused(r.admin.put(phonePath(r, id), Map.of("phoneNumber", "+10000000000")), "phone_invalid", "numbering plan");
        assertThat(storedPhone(r, id)).as("nothing changed").isEqualTo("+14155550181");

        // Keycloak's own users API applies the same rules (the user-profile validator of phoneNumber)
        HttpAnswer landline = keycloakUserUpdate(r, id, "+442079460958");
        assertThat(landline.status()).as(landline.toString()).isEqualTo(400);
        assertThat(landline.body()).contains("twofactorPhoneLandline");
        HttpAnswer spaced = keycloakUserUpdate(r, id, "+1 415 555 0182");
        assertThat(spaced.status()).as("stored as typed, so only the E.164 form").isEqualTo(400);
        assertThat(spaced.body()).contains("twofactorPhoneStoreE164").contains("+14155550182");
        assertThat(storedPhone(r, id)).isEqualTo("+14155550181");
        assertThat(keycloakUserUpdate(r, id, "+14155550182").status()).isEqualTo(204);
        assertThat(storedPhone(r, id)).isEqualTo("+14155550182");
    }

    @Test
    void aRealmWhoseProfileStillHasTheOldE164PatternGetsThePhoneRules() {
        TestRealm r = TestRealm.create("phone-upgrade");
        String id = r.addUser("agent", "agent-pw");
        // the user profile as an earlier version declared it: phoneNumber checked by a regular expression only
        ObjectNode profile = (ObjectNode) r.admin.ok(r.admin.get("/" + r.name + "/users/profile"));
        com.fasterxml.jackson.databind.node.ArrayNode attributes = (com.fasterxml.jackson.databind.node.ArrayNode) profile.get("attributes");
        // (a new realm already declares the phone attributes with today's rules: put back the old declaration)
        for (int i = attributes.size() - 1; i >= 0; i--) {
            if (attributes.get(i).path("name").asText().startsWith("phoneNumber")) {
                attributes.remove(i);
            }
        }
        ObjectNode number = attributes.addObject().put("name", "phoneNumber");
        number.putObject("permissions").<ObjectNode>set("view", Json.parse("[\"admin\",\"user\"]")).set("edit", Json.parse("[\"admin\"]"));
        number.putObject("validations").putObject("pattern").put("pattern", "^\\+[1-9][0-9]{1,14}$").put("error-message", "twofactorPhoneInvalid");
        for (String name : List.of("phoneNumberVerified", "phoneNumberVerifiedBy", "phoneNumberVerifiedFor")) {
            attributes.addObject().put("name", name).putObject("permissions").set("view", Json.parse("[\"admin\"]"));
        }
        r.admin.ok(r.admin.put("/" + r.name + "/users/profile", profile));
        assertThat(keycloakUserUpdate(r, id, "+442079460958").status()).as("the old pattern takes a landline").isEqualTo(204);

        // the first phone call of ours brings the profile up to date
        r.admin.ok(r.admin.put(phonePath(r, id), Map.of("phoneNumber", "+14155550193")));
        JsonNode validations = null;
        for (JsonNode a : r.admin.ok(r.admin.get("/" + r.name + "/users/profile")).get("attributes")) {
            if (a.get("name").asText().equals("phoneNumber")) {
                validations = a.get("validations");
            }
        }
        assertThat(validations.has("twofactor-phone-number")).isTrue();
        assertThat(validations.has("pattern")).isFalse();
        HttpAnswer landline = keycloakUserUpdate(r, id, "+442079460958");
        assertThat(landline.status()).as(landline.toString()).isEqualTo(400);
        assertThat(storedPhone(r, id)).isEqualTo("+14155550193");
    }

    @Test
    void smsCountriesHoldOnTheAdminCallsAndKeycloaksOwnUsersApi() {
        TestRealm r = TestRealm.create("phone-admin-countries");
        String id = r.addUser("agent", "agent-pw");
        r.admin.ok(r.admin.put(phonePath(r, id), Map.of("phoneNumber", "+14155550183")));
        r.admin.ok(r.putSettings(r.admin, Map.of("smsCountries", List.of("RU", "KZ"))));

        assertRefused(r.admin.put(phonePath(r, id), Map.of("phoneNumber", "+1 415 555 0184")), "phone_country_not_allowed",
                "not sent to numbers in United States, only to numbers in Russia, Kazakhstan");
        // the number stored before the list: marked with the reason, and no admin confirms it
        JsonNode marked = state(r, id);
        assertThat(marked.get("phoneProblem").asText()).isEqualTo("phone_country_not_allowed");
        assertThat(marked.get("phoneProblemText").asText()).contains("United States");
        assertRefused(r.admin.post(phonePath(r, id) + "/confirm", null), "phone_country_not_allowed", "United States");
        assertThat(state(r, id).get("phoneVerified").asBoolean()).isFalse();
        JsonNode row = r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users?search=agent")).get("users").get(0);
        assertThat(row.get("phoneProblem").asText()).as("the Security page's table too").isEqualTo("phone_country_not_allowed");

        HttpAnswer viaUsersApi = keycloakUserUpdate(r, id, "+14155550185");
        assertThat(viaUsersApi.status()).as(viaUsersApi.toString()).isEqualTo(400);
        assertThat(viaUsersApi.body()).contains("twofactorPhoneCountryProfile");
        Map<String, Object> newUser = new LinkedHashMap<>();
        newUser.put("username", "newcomer");
        newUser.put("enabled", true);
        newUser.put("attributes", Map.of("phoneNumber", List.of("+14155550186")));
        HttpAnswer created = r.admin.post("/" + r.name + "/users", newUser);
        assertThat(created.status()).as("creating a user: " + created).isEqualTo(400);
        assertThat(r.admin.ok(r.admin.get("/" + r.name + "/users?exact=true&username=newcomer"))).isEmpty();
        assertThat(storedPhone(r, id)).isEqualTo("+14155550183");

        // Kazakhstan shares +7 with Russia: the country is the number's, not the calling code's
        r.admin.ok(r.admin.put(phonePath(r, id), Map.of("phoneNumber", "+7 701 123 4567")));
        assertThat(state(r, id).get("phoneProblem").isNull()).isTrue();
        assertThat(r.admin.post(phonePath(r, id) + "/confirm", null).status()).isEqualTo(200);
        assertThat(keycloakUserUpdate(r, id, "+79123456780").status()).isEqualTo(204);
    }

    @Test
    void aStoredNumberTheRulesNowRefuseIsNeverTextedAndTheUserIsToldToContactTheAdministrator() {
        TestRealm r = TestRealm.withSms("phone-stored", Map.of());
        String id = r.addUser("agent", "agent-pw");
        String phone = "+14155550187";
        r.admin.ok(r.admin.put(phonePath(r, id), Map.of("phoneNumber", phone)));
        r.admin.ok(r.admin.post(phonePath(r, id) + "/confirm", null));
        r.admin.ok(r.putSettings(r.admin, Map.of("smsCountries", List.of("DE"))));

        int before = twilio.settledCount();
        Browser.Page page = r.signIn(r.browser(), "agent", "agent-pw");
        assertThat(page.doc().selectFirst("#twofactor-contact-admin")).as(page.toString()).isNotNull();
        assertThat(page.doc().text()).contains("Contact the administrator");
        assertThat(page.doc().selectFirst("#twofactor-phone-refused").text())
                .contains("+1 •••-•••-0187").contains("not sent to numbers in United States, only to numbers in Germany");
        assertThat(page.doc().selectFirst(CodePage.FIELD)).isNull();
        assertThat(twilio.received()).as("the Twilio stub receives nothing").hasSize(before);
        JsonNode marked = state(r, id);
        assertThat(marked.get("phoneVerified").asBoolean()).as("still confirmed: the admin sees what is on file").isTrue();
        assertThat(marked.get("phoneProblem").asText()).isEqualTo("phone_country_not_allowed");

        // the list was the only thing in the way
        r.admin.ok(r.putSettings(r.admin, Map.of("smsCountries", List.of("DE", "US"))));
        Browser b = r.browser();
        Browser.Page codePage = r.signIn(b, "agent", "agent-pw");
        TwilioStub.Received sms = twilio.awaitTo(phone, 0, Duration.ofSeconds(10));
        assertThat(codePage.doc().selectFirst("#twofactor-instruction").text()).contains("+1 •••-•••-0187");
        assertThat(CodePage.submit(b, codePage, sms.code()).isRedirectToClient()).isTrue();
        assertThat(state(r, id).get("phoneProblem").isNull()).isTrue();
    }

    @Test
    void numbersBroughtInByAnImportFollowTheRulesWhenTexted() {
        TestRealm r = TestRealm.withSms("phone-import", Map.of("smsCountries", List.of("RU")));
        Map<String, Object> attributesUs = Map.of("phoneNumber", List.of("+14155550188"), "phoneNumberVerified", List.of("true"),
                "phoneNumberVerifiedBy", List.of("admin"), "phoneNumberVerifiedFor", List.of("+14155550188"));
        Map<String, Object> attributesRu = Map.of("phoneNumber", List.of("+79123456702"), "phoneNumberVerified", List.of("true"),
                "phoneNumberVerifiedBy", List.of("admin"), "phoneNumberVerifiedFor", List.of("+79123456702"));
        List<Map<String, Object>> users = List.of(imported("imported-us", attributesUs), imported("imported-ru", attributesRu));
        JsonNode result = r.admin.ok(r.admin.post("/" + r.name + "/partialImport", Map.of("ifResourceExists", "FAIL", "users", users)));
        assertThat(result.get("added").asInt()).isEqualTo(2);

        int before = twilio.settledCount();
        Browser.Page refused = r.signIn(r.browser(), "imported-us", "imported-us-pw");
        assertThat(refused.doc().selectFirst("#twofactor-contact-admin")).as(refused.toString()).isNotNull();
        assertThat(twilio.received()).hasSize(before);

        Browser b = r.browser();
        Browser.Page codePage = r.signIn(b, "imported-ru", "imported-ru-pw");
        TwilioStub.Received sms = twilio.awaitTo("+79123456702", 0, Duration.ofSeconds(10));
        assertThat(codePage.doc().selectFirst("#twofactor-instruction").text()).contains("+7 ••• •••-67-02");
        assertThat(CodePage.submit(b, codePage, sms.code()).isRedirectToClient()).isTrue();
        assertThat(twilio.to("+14155550188")).isEmpty();
    }

    private static Map<String, Object> imported(String username, Map<String, Object> attributes) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("username", username);
        user.put("enabled", true);
        user.put("email", username + "@phone-import.example.test");
        user.put("emailVerified", true);
        user.put("firstName", username);
        user.put("lastName", "Tester");
        user.put("attributes", attributes);
        user.put("credentials", List.of(Map.of("type", "password", "value", username + "-pw", "temporary", false)));
        return user;
    }

    @Test
    void theConfirmPhoneActionReadsNationalFormsAndTextsOnlyTheSmsCountriesWithRussianMessages() throws Exception {
        TestRealm r = TestRealm.create("phone-confirm");
        r.admin.ok(r.putSettings(r.admin, Map.of("smsActivated", true)));
        r.admin.ok(r.putSettings(r.admin, Map.of("defaultPhoneRegion", "RU", "smsCountries", List.of("RU"), "resendCooldownSeconds", 1)));
        String id = r.addUser("agent", "agent-pw");
        Browser b = r.browser();
        assertThat(r.signIn(b, "agent", "agent-pw").isRedirectToClient()).isTrue();

        int before = twilio.settledCount();
        Browser.Page enter = b.open(r.authUrl() + "&kc_action=twofactor-confirm-phone");
        Browser.Page us = PhonePage.send(b, enter, "+1 415 555 0189");
        assertThat(us.doc().selectFirst("#input-error-phone").text())
                .isEqualTo("Sign-in codes are not sent to numbers in United States, only to numbers in Russia.");
        Browser.Page landline = PhonePage.send(b, us, "8 (495) 123-45-67");
        assertThat(landline.doc().selectFirst("#input-error-phone").text()).contains("landline");
        Browser.Page tollFree = PhonePage.send(b, landline, "8 800 123-45-67");
        assertThat(tollFree.doc().selectFirst("#input-error-phone").text()).contains("toll-free");
        assertThat(twilio.received()).as("nothing texted").hasSize(before);

        Browser.Page codePage = PhonePage.send(b, tollFree, "8 (912) 345-67-03");
        TwilioStub.Received first = twilio.awaitTo("+79123456703", 0, Duration.ofSeconds(10));
        assertThat(codePage.doc().text()).contains("+7 ••• •••-67-03");

        // the list changes while the code is on its way: no resend goes out, and the code confirms nothing
        r.admin.ok(r.putSettings(r.admin, Map.of("smsCountries", List.of("KZ"))));
        Thread.sleep(1100);
        Browser.Page resend = CodePage.resend(b, codePage);
        assertThat(twilio.to("+79123456703")).as("no text after the list changed").hasSize(1);
        Browser.Page afterResend = resend.doc().selectFirst(CodePage.FIELD) != null
                ? CodePage.submit(b, resend, first.code()) : resend;
        assertThat(afterResend.doc().selectFirst("#twofactor-phone-confirmed-mark")).isNull();
        assertThat(storedPhone(r, id)).isNull();
        assertThat(state(r, id).get("phoneVerified").asBoolean()).isFalse();

        // in Russian: the user's language names the problem
        r.admin.ok(r.admin.put("/" + r.name, Map.of("internationalizationEnabled", true,
                "supportedLocales", List.of("en", "ru"), "defaultLocale", "en")));
        JsonNode user = r.admin.ok(r.admin.get("/" + r.name + "/users/" + id));
        (user.hasNonNull("attributes") ? (ObjectNode) user.get("attributes") : ((ObjectNode) user).putObject("attributes"))
                .putArray("locale").add("ru");
        r.admin.ok(r.admin.put("/" + r.name + "/users/" + id, user));
        Browser ru = r.browser();
        assertThat(r.signIn(ru, "agent", "agent-pw").isRedirectToClient()).isTrue();
        Browser.Page enterRu = ru.open(r.authUrl() + "&kc_action=twofactor-confirm-phone");
        Browser.Page refusedRu = PhonePage.send(ru, enterRu, "8 (912) 345-67-04");
        assertThat(refusedRu.doc().selectFirst("#input-error-phone").text())
                .isEqualTo("Коды для входа не отправляются на номера страны «Россия», только на номера стран: Казахстан.");
        Browser.Page landlineRu = PhonePage.send(ru, refusedRu, "+44 20 7946 0958");
        assertThat(landlineRu.doc().selectFirst("#input-error-phone").text()).contains("стационарного телефона");
        Browser.Page kz = PhonePage.send(ru, landlineRu, "8 (701) 123-45-67");
        TwilioStub.Received kzCode = twilio.awaitTo("+77011234567", 0, Duration.ofSeconds(10));
        Browser.Page confirmed = CodePage.submit(ru, kz, kzCode.code());
        assertThat(confirmed.doc().selectFirst("#twofactor-phone-confirmed")).as(confirmed.toString()).isNotNull();
        assertThat(confirmed.doc().selectFirst("#twofactor-phone-confirmed").text()).contains("+7 ••• ••• 4567"); // Kazakhstan groups its numbers differently
        assertThat(storedPhone(r, id)).isEqualTo("+77011234567");
    }
}
