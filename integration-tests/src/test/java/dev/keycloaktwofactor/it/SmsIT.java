package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.DeliveryPoll;
import dev.keycloaktwofactor.it.support.EmailCodes;
import dev.keycloaktwofactor.it.support.ExtraServerOptions;
import dev.keycloaktwofactor.it.support.HttpAnswer;
import dev.keycloaktwofactor.it.support.Json;
import dev.keycloaktwofactor.it.support.PhonePage;
import dev.keycloaktwofactor.it.support.TestRealm;
import dev.keycloaktwofactor.it.support.TwilioStub;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Method "sms" through the real Twilio SDK (bundled in the JAR) against a Twilio-shaped endpoint on loopback. */
class SmsIT {

    private static TestRealm realm;
    private static final TwilioStub twilio = ExtraServerOptions.twilio();

    // a realm per test: the master admin's token in TestRealm lives 60 s, shorter than this class on a busy machine
    @BeforeEach
    void setUp() {
        realm = TestRealm.create("sms");
        realm.admin.ok(realm.putSettings(realm.admin, Map.of("smsActivated", true)));
        realm.admin.ok(realm.putSettings(realm.admin, Map.of("method", "sms", "resendCooldownSeconds", 1)));
    }

    private static String userWithConfirmedPhone(TestRealm r, String username, String phone) {
        String id = r.addUser(username, username + "-pw");
        r.admin.ok(r.admin.put("/" + r.name + "/twofactor/users/" + id + "/phone", Map.of("phoneNumber", phone)));
        r.admin.ok(r.admin.post("/" + r.name + "/twofactor/users/" + id + "/phone/confirm", null));
        return id;
    }

    private static String code(TwilioStub.Received sms) {
        return sms.code();
    }

    @Test
    @Tag("smoke")
    void aUserWithAConfirmedNumberSignsInWithATextedCode() {
        String phone = "+14155550101";
        userWithConfirmedPhone(realm, "agent", phone);
        int before = twilio.to(phone).size();
        Browser b = realm.browser();
        Browser.Page page = realm.signIn(b, "agent", "agent-pw");

        TwilioStub.Received sms = twilio.awaitTo(phone, before, Duration.ofSeconds(10));
        assertThat(sms.method()).isEqualTo("POST");
        assertThat(sms.path()).isEqualTo("/2010-04-01/Accounts/" + TwilioStub.ACCOUNT_SID + "/Messages.json");
        assertThat(sms.authorization()).isEqualTo("Basic " + Base64.getEncoder().encodeToString(
                (TwilioStub.ACCOUNT_SID + ":" + TwilioStub.AUTH_TOKEN).getBytes(StandardCharsets.UTF_8)));
        assertThat(sms.form()).containsEntry("To", phone).containsEntry("From", TwilioStub.FROM);
        assertThat(sms.form().keySet()).containsExactlyInAnyOrder("To", "From", "Body");
        String code = code(sms);
        assertThat(sms.body()).contains(realm.name).doesNotContain("agent-pw").doesNotContain(TwilioStub.AUTH_TOKEN);

        assertThat(page.doc().text()).contains("01").doesNotContain(phone).doesNotContain("4155550101");
        assertThat(page.doc().selectFirst("input[name=code][autocomplete=one-time-code]")).isNotNull();
        Browser.Page done = CodePage.submit(b, page, code);
        assertThat(done.isRedirectToClient()).as(done.toString()).isTrue();
        assertThat(realm.kc.logLines()).noneMatch(l -> l.contains(phone) || (l.contains(code) && l.contains(realm.name)));
    }

    @Test
    void theHourlyCapPerNumberHoldsAcrossUsersSharingIt() {
        TestRealm r = TestRealm.withSms("sms-number-cap", Map.of("resendCooldownSeconds", 1));
        r.recordLoginEvents();
        String shared = "+14155550177";
        userWithConfirmedPhone(r, "first", shared);
        userWithConfirmedPhone(r, "second", shared);
        userWithConfirmedPhone(r, "third", "+14155550178");
        int before = twilio.to(shared).size();
        // 6 + 4 texts to one number: its cap of 10, while each user stays below their own 10
        for (String user : List.of("first", "first", "first", "first", "first", "first", "second", "second", "second", "second")) {
            int sent = twilio.to(shared).size();
            Browser b = r.browser();
            Browser.Page page = r.signIn(b, user, user + "-pw");
            assertThat(CodePage.submit(b, page, code(twilio.awaitTo(shared, sent, Duration.ofSeconds(10)))).isRedirectToClient()).isTrue();
        }
        Browser.Page capped = r.signIn(r.browser(), "second", "second-pw");
        assertThat(capped.doc().text()).containsPattern("Too many codes were sent to this phone number in the last hour\\. Try again at \\d\\d:\\d\\d\\.")
                .doesNotContain("We sent a code");
        assertThat(capped.doc().selectFirst(CodePage.FIELD)).isNull();
        assertThat(twilio.to(shared)).hasSize(before + 10);
        JsonNode events = r.admin.ok(r.admin.get("/" + r.name + "/events?type=LOGIN_ERROR"));
        assertThat(events).anySatisfy(e -> {
            assertThat(e.get("error").asText()).isEqualTo("twofactor_send_refused");
            assertThat(e.get("details").get("reason").asText()).isEqualTo("destination_hourly_cap");
        });
        assertThat(events.toString()).doesNotContain(shared).doesNotContain("4155550177");

        // another number from the same address still gets its text: the cap was the number's
        int other = twilio.to("+14155550178").size();
        Browser b = r.browser();
        Browser.Page page = r.signIn(b, "third", "third-pw");
        assertThat(CodePage.submit(b, page, code(twilio.awaitTo("+14155550178", other, Duration.ofSeconds(10)))).isRedirectToClient()).isTrue();
    }

    @Test
    void beforeThePasswordNothingTellsWhetherAUserExistsHasAPhoneOrIsLocked() {
        TestRealm r = TestRealm.withSms("sms-enum", Map.of());
        r.admin.ok(r.admin.put("/" + r.name, Map.of("failureFactor", 2, "waitIncrementSeconds", 600)));
        userWithConfirmedPhone(r, "withphone", "+14155550141");
        r.addUser("nophone", "nophone-pw");
        String lockedId = userWithConfirmedPhone(r, "locked", "+14155550142");
        r.signIn(r.browser(), "locked", "wrong-1");
        r.signIn(r.browser(), "locked", "wrong-2");
        assertThat(r.bruteForceStatus(lockedId, 2).get("disabled").asBoolean()).isTrue();
        int before = twilio.settledCount();

        Map<String, String> answers = new java.util.LinkedHashMap<>();
        for (String username : List.of("nobody", "withphone", "nophone", "locked")) {
            Browser.Page page = r.signIn(r.browser(), username, "not-the-password");
            assertThat(page.doc().selectFirst(CodePage.FIELD)).isNull();
            assertThat(page.doc().selectFirst("#twofactor-contact-admin")).isNull();
            answers.put(username, page.status() + " " + page.doc().select("#input-error, .kc-feedback-text, [id^=input-error]").text());
        }
        assertThat(answers.values()).as(answers.toString()).containsOnly(answers.get("nobody"));
        assertThat(answers.get("nobody")).contains("Invalid username or password.");
        assertThat(twilio.received()).hasSize(before);
    }

    @Test
    void keycloaksOwnUserFormsAndApisTakeOnlyE164AndNobodySetsTheConfirmationFlag() {
        TestRealm r = TestRealm.create("sms-profile");
        String id = r.addUser("agent", "agent-pw");
        String path = "/" + r.name + "/twofactor/users/" + id;
        r.admin.ok(r.admin.put(path + "/phone", Map.of("phoneNumber", "+14155550151")));

        // an admin through Keycloak's users API: a bad number is refused and nothing changes
        JsonNode user = r.admin.ok(r.admin.get("/" + r.name + "/users/" + id));
        com.fasterxml.jackson.databind.node.ObjectNode attributes = (com.fasterxml.jackson.databind.node.ObjectNode) user.get("attributes");
        attributes.putArray("phoneNumber").add("0044 12");
        HttpAnswer bad = r.admin.put("/" + r.name + "/users/" + id, user);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).doesNotContain("Exception");
        assertThat(storedPhone(r, id)).isEqualTo("+14155550151");

        // ...and the confirmation flag is not theirs to set there either: only the confirm call (or the user's SMS)
        JsonNode fresh = r.admin.ok(r.admin.get("/" + r.name + "/users/" + id));
        ((com.fasterxml.jackson.databind.node.ObjectNode) fresh.get("attributes")).putArray("phoneNumberVerified").add("true");
        r.admin.put("/" + r.name + "/users/" + id, fresh);
        assertThat(r.admin.ok(r.admin.get(path)).get("phoneVerified").asBoolean()).isFalse();

        // the user through the account API: neither the flag nor the number
        String token = r.exchange(r.signIn(r.browser(), "agent", "agent-pw")).get("access_token").asText();
        java.util.function.Function<Map<String, Object>, HttpAnswer> accountUpdate = attrs -> AdminClient.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(r.kc.baseUrl() + "/realms/" + r.name + "/account"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Json.write(Map.of(
                                "username", "agent", "email", r.email("agent"), "firstName", "agent", "lastName", "Tester",
                                "attributes", attrs)))).build());
        HttpAnswer flag = accountUpdate.apply(Map.of("phoneNumber", List.of("+14155550151"), "phoneNumberVerified", List.of("true")));
        assertThat(flag.status()).as(flag.toString()).isBetween(200, 499);
        assertThat(r.admin.ok(r.admin.get(path)).get("phoneVerified").asBoolean()).isFalse();
        accountUpdate.apply(Map.of("phoneNumber", List.of("+14155550999")));
        assertThat(storedPhone(r, id)).as("users change their number only through the confirm-phone action").isEqualTo("+14155550151");
    }

    @Test
    void aUserWhoReadsRussianGetsTheTextInRussian() {
        TestRealm r = TestRealm.withSms("sms-ru", Map.of());
        r.admin.ok(r.admin.put("/" + r.name, Map.of("internationalizationEnabled", true,
                "supportedLocales", List.of("en", "ru"), "defaultLocale", "en")));
        String phone = "+14155550161";
        String id = userWithConfirmedPhone(r, "ivan", phone);
        JsonNode user = r.admin.ok(r.admin.get("/" + r.name + "/users/" + id));
        ((com.fasterxml.jackson.databind.node.ObjectNode) user.get("attributes")).putArray("locale").add("ru");
        r.admin.ok(r.admin.put("/" + r.name + "/users/" + id, user));
        int before = twilio.to(phone).size();
        Browser b = r.browser();
        Browser.Page page = r.signIn(b, "ivan", "ivan-pw");
        TwilioStub.Received sms = twilio.awaitTo(phone, before, Duration.ofSeconds(10));
        assertThat(sms.body()).contains("код для входа").contains(r.name);
        assertThat(page.doc().text()).as("the page too").contains("Код");
        assertThat(CodePage.submit(b, page, code(sms)).isRedirectToClient()).isTrue();
    }

    @Test
    void aWrongPasswordSendsNoText() {
        String phone = "+14155550131";
        userWithConfirmedPhone(realm, "typo", phone);
        int before = twilio.settledCount();
        Browser.Page page = realm.signIn(realm.browser(), "typo", "not-the-password");
        assertThat(page.doc().selectFirst("form#kc-form-login")).isNotNull();
        assertThat(page.doc().selectFirst(CodePage.FIELD)).isNull();
        assertThat(twilio.received()).hasSize(before);
    }

    @Test
    void wrongTextedCodesReachBruteForceProtectionAndALockedUserGetsNoMoreTexts() {
        TestRealm r = TestRealm.withSms("sms-lockout", Map.of("resendCooldownSeconds", 1));
        r.admin.ok(r.admin.put("/" + r.name, Map.of("failureFactor", 2, "waitIncrementSeconds", 600)));
        String phone = "+14155550132";
        String id = userWithConfirmedPhone(r, "agent", phone);
        int before = twilio.to(phone).size();
        Browser b = r.browser();
        Browser.Page page = r.signIn(b, "agent", "agent-pw");
        String code = code(twilio.awaitTo(phone, before, Duration.ofSeconds(10)));
        String wrong = code.equals("000000") ? "111111" : "000000";
        page = CodePage.submit(b, page, wrong);
        assertThat(page.doc().text()).contains("Invalid code.");
        r.bruteForceStatus(id, 1); // Keycloak's blocking protector: the next post waits for this failure's record
        page = CodePage.submit(b, page, wrong);
        JsonNode status = r.bruteForceStatus(id, 2);
        assertThat(status.get("disabled").asBoolean()).isTrue();
        assertThat(status.get("numFailures").asInt()).isEqualTo(2);

        Browser.Page locked = CodePage.submit(b, page, code);
        assertThat(locked.isRedirectToClient()).as("even the right code, once locked").isFalse();
        assertThat(locked.doc().text()).contains("Too many attempts. Please sign in again later.");
        r.signIn(r.browser(), "agent", "agent-pw");
        assertThat(twilio.to(phone)).as("no text for a locked user").hasSize(before + 1);
    }

    @Test
    void aUserWithNoNumberIsToldToContactTheAdministratorAndNoSmsGoesOut() {
        realm.addUser("employee", "employee-pw");
        int before = twilio.settledCount();
        Browser.Page page = realm.signIn(realm.browser(), "employee", "employee-pw");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.doc().selectFirst("#twofactor-contact-admin")).as(page.toString()).isNotNull();
        assertThat(page.doc().text()).contains("Contact the administrator");
        assertThat(page.doc().selectFirst("#twofactor-confirm-now")).as("nothing to confirm: no number on file").isNull();
        assertThat(page.doc().selectFirst(PhonePage.FIELD)).as("no number is taken before the second factor").isNull();
        assertThat(page.isRedirectToClient()).isFalse();
        assertThat(twilio.received()).hasSize(before);
    }

    @Test
    void aStoredNumberNotConfirmedYetIsConfirmedWithConfirmNowAndTheLoginFinishes() {
        String phone = "+14155550102";
        String id = realm.addUser("employee", "employee-pw");
        realm.admin.ok(realm.admin.put("/" + realm.name + "/twofactor/users/" + id + "/phone", Map.of("phoneNumber", phone)));
        EmailCodes.next(realm, "employee"); // the "number changed" notice of the admin's attach
        int before = twilio.settledCount();
        int toPhone = twilio.to(phone).size();
        Browser b = realm.browser();
        Browser.Page offer = realm.signIn(b, "employee", "employee-pw");

        // the offer: the number masked, a button, no field to type another number, and no text yet
        assertThat(offer.doc().selectFirst("#twofactor-confirm-now")).as(offer.toString()).isNotNull();
        assertThat(offer.doc().text()).contains("is not confirmed yet").contains("0102").doesNotContain("4155550102");
        assertThat(offer.doc().selectFirst(PhonePage.FIELD)).isNull();
        assertThat(offer.doc().selectFirst(CodePage.FIELD)).isNull();
        assertThat(twilio.received()).as("nothing goes out before Confirm now").hasSize(before);

        // Confirm now, with a number slipped into the post: the code goes to the stored number, and only there
        Browser.Page codePage = b.submit(offer, "form#kc-twofactor-confirm-now-form",
                Map.of("confirm-now", "true", "phoneNumber", "+14155550198"));
        TwilioStub.Received sms = twilio.awaitTo(phone, toPhone, Duration.ofSeconds(10));
        assertThat(twilio.received()).hasSize(before + 1);
        assertThat(twilio.to("+14155550198")).isEmpty();
        assertThat(sms.body()).contains("phone confirmation code");
        assertThat(codePage.doc().selectFirst("#kc-login").text()).isEqualTo("Confirm phone");
        assertThat(codePage.doc().text()).contains("0102").doesNotContain("4155550102");
        assertThat(codePage.doc().selectFirst("button[name=resend][data-resend-in]")).as("the confirm-phone wait applies")
                .isNotNull();

        // a refresh sends nothing more; wrong codes count, with the tries left when two or fewer remain
        Browser.Page refreshed = b.open(codePage.url().toString());
        if (refreshed.doc().selectFirst("#loginContinueLink") != null) {
            refreshed = b.open(refreshed.doc().selectFirst("#loginContinueLink").absUrl("href"));
        }
        assertThat(refreshed.doc().selectFirst(CodePage.FIELD)).as(refreshed.toString()).isNotNull();
        assertThat(twilio.received()).hasSize(before + 1);
        String wrong = sms.code().equals("000000") ? "111111" : "000000";
        Browser.Page page = refreshed;
        for (int i = 1; i <= 3; i++) {
            page = CodePage.submit(b, page, wrong);
            assertThat(page.isRedirectToClient()).isFalse();
            realm.bruteForceStatus(id, i); // Keycloak's blocking protector: the next post waits for this failure's record
        }
        assertThat(page.doc().text()).contains("Invalid code. Tries left: 2.");
        assertThat(realm.admin.ok(realm.admin.get("/" + realm.name + "/twofactor/users/" + id)).get("phoneVerified").asBoolean())
                .isFalse();

        Browser.Page done = CodePage.submit(b, page, sms.code());
        assertThat(done.isRedirectToClient()).as(done.toString()).isTrue();
        assertThat(realm.exchange(done).get("access_token").asText()).isNotBlank();
        JsonNode state = realm.admin.ok(realm.admin.get("/" + realm.name + "/twofactor/users/" + id));
        assertThat(state.get("phoneVerified").asBoolean()).isTrue();
        assertThat(state.get("phoneVerifiedBy").asText()).isEqualTo("self");
        assertThat(storedPhone(realm, id)).isEqualTo(phone);
        assertThat(EmailCodes.next(realm, "employee").text()).contains("You confirmed").contains("0102");

        // from now on the usual sign-in code goes to the confirmed number
        int signIns = twilio.to(phone).size();
        Browser next = realm.browser();
        Browser.Page login = realm.signIn(next, "employee", "employee-pw");
        TwilioStub.Received code = twilio.awaitTo(phone, signIns, Duration.ofSeconds(10));
        assertThat(code.body()).contains("sign-in code");
        assertThat(login.doc().selectFirst("#kc-login").text()).isEqualTo("Sign in");
        assertThat(CodePage.submit(next, login, code.code()).isRedirectToClient()).isTrue();
    }

    @Test
    void confirmNowSpeaksRussianToAUserWhoReadsRussian() {
        TestRealm r = TestRealm.withSms("sms-confirm-now-ru", Map.of());
        r.admin.ok(r.admin.put("/" + r.name, Map.of("internationalizationEnabled", true,
                "supportedLocales", List.of("en", "ru"), "defaultLocale", "en")));
        String phone = "+14155550165";
        String id = r.addUser("ivan", "ivan-pw");
        r.admin.ok(r.admin.put("/" + r.name + "/twofactor/users/" + id + "/phone", Map.of("phoneNumber", phone)));
        JsonNode user = r.admin.ok(r.admin.get("/" + r.name + "/users/" + id));
        ((com.fasterxml.jackson.databind.node.ObjectNode) user.get("attributes")).putArray("locale").add("ru");
        r.admin.ok(r.admin.put("/" + r.name + "/users/" + id, user));
        int before = twilio.to(phone).size();
        Browser b = r.browser();
        Browser.Page offer = r.signIn(b, "ivan", "ivan-pw");
        assertThat(offer.doc().selectFirst("#twofactor-unconfirmed").text()).as(offer.toString())
                .contains("Ваш номер").contains("ещё не подтверждён").contains("0165");
        assertThat(offer.doc().selectFirst("#twofactor-confirm-now").text()).isEqualTo("Подтвердить сейчас");
        Browser.Page codePage = b.submit(offer, "form#kc-twofactor-confirm-now-form", Map.of("confirm-now", "true"));
        TwilioStub.Received sms = twilio.awaitTo(phone, before, Duration.ofSeconds(10));
        assertThat(sms.body()).contains("код подтверждения телефона");
        assertThat(codePage.doc().selectFirst("#kc-login").text()).isEqualTo("Подтвердить телефон");
        assertThat(CodePage.submit(b, codePage, sms.code()).isRedirectToClient()).isTrue();
    }

    @Test
    void confirmNowKeepsTheConfirmPhoneCapOfThreeNumbersAnHour() {
        TestRealm r = TestRealm.withSms("sms-confirm-now-cap", Map.of("resendCooldownSeconds", 1));
        r.admin.ok(r.admin.put("/" + r.name, Map.of("bruteForceProtected", false)));
        String id = r.addUser("agent", "agent-pw");
        String path = "/" + r.name + "/twofactor/users/" + id + "/phone";
        // three numbers texted for confirmation within the hour: the fourth is refused, and says why
        for (String n : List.of("+14155550181", "+14155550182", "+14155550183", "+14155550184")) {
            r.admin.ok(r.admin.put(path, Map.of("phoneNumber", n)));
            int sent = twilio.to(n).size();
            Browser b = r.browser();
            Browser.Page offer = r.signIn(b, "agent", "agent-pw");
            Browser.Page next = b.submit(offer, "form#kc-twofactor-confirm-now-form", Map.of("confirm-now", "true"));
            if (n.endsWith("84")) {
                assertThat(next.doc().text()).as(next.toString()).contains("at most 3 different numbers an hour");
                assertThat(next.doc().selectFirst(CodePage.FIELD)).isNull();
                assertThat(twilio.to(n)).hasSize(sent);
                // counted for the realm's admins like every refused send (the Security page's Send caps card)
                JsonNode refusals = r.admin.ok(r.admin.get("/" + r.name + "/twofactor/send-refusals"));
                assertThat(refusals.get("caps")).filteredOn(c -> c.get("cap").asText().equals("confirm_numbers"))
                        .singleElement().satisfies(c -> assertThat(c.get("refused").asInt()).isEqualTo(1));
                assertThat(refusals.get("total").asInt()).isEqualTo(1);
            } else {
                assertThat(next.doc().selectFirst(CodePage.FIELD)).as(next.toString()).isNotNull();
                twilio.awaitTo(n, sent, Duration.ofSeconds(10));
            }
        }
    }

    @ParameterizedTest(name = "gateway fault for a number ending {0}")
    @ValueSource(strings = {"0400", "0500", "0999", "credentials"})
    void aFailingGatewayIsShownOnTheCodePageAndTheLoginStaysUsable(String fault) {
        TestRealm r = TestRealm.withSms("sms-fault", Map.of("resendCooldownSeconds", 1));
        r.recordLoginEvents();
        String phone = "+1415555" + (fault.equals("credentials") ? "0111" : fault);
        String id = userWithConfirmedPhone(r, "agent", phone);
        twilio.rejectCredentials = fault.equals("credentials");
        try {
            Browser b = r.browser();
            Browser.Page page = r.signIn(b, "agent", "agent-pw");
            assertThat(page.status()).isEqualTo(200);
            // the text goes out after the page: its poll, and the next submit, say that it failed
            DeliveryPoll.await(b, page, "failed", Duration.ofSeconds(20));
            Browser.Page next = CodePage.submit(b, page, "123456");
            assertThat(next.doc().selectFirst("#twofactor-delivery-failed:not([hidden])").text()).contains("could not send the code");
            JsonNode events = r.admin.ok(r.admin.get("/" + r.name + "/events?type=LOGIN_ERROR"));
            assertThat(events).as("an event says the text did not go out")
                    .anySatisfy(e -> assertThat(e.get("error").asText()).isEqualTo("twofactor_delivery_failed"));
            assertThat(events.toString()).doesNotContain(phone).doesNotContain(phone.substring(1));
            assertThat(r.kc.logLines()).as("logged once, without the number")
                    .filteredOn(l -> l.contains("Two-factor code not delivered") && l.contains(r.name)).hasSize(1)
                    .noneMatch(l -> l.contains(phone.substring(2)));
        } finally {
            twilio.rejectCredentials = false;
        }
        // once the number is fixed, the same user signs in
        r.admin.ok(r.admin.put("/" + r.name + "/twofactor/users/" + id + "/phone", Map.of("phoneNumber", "+14155550123")));
        r.admin.ok(r.admin.post("/" + r.name + "/twofactor/users/" + id + "/phone/confirm", null));
        int before = twilio.to("+14155550123").size();
        Browser b = r.browser();
        Browser.Page page = r.signIn(b, "agent", "agent-pw");
        String code = code(twilio.awaitTo("+14155550123", before, Duration.ofSeconds(10)));
        assertThat(CodePage.submit(b, page, code).isRedirectToClient()).isTrue();
    }

    @Test
    @Tag("smoke")
    void aUserConfirmsTheirOwnNumberWithTheEscalatingWaitAndCanUnpinIt() throws Exception {
        TestRealm r = TestRealm.create("sms-confirm");
        r.admin.ok(r.putSettings(r.admin, Map.of("smsActivated", true)));
        r.admin.ok(r.putSettings(r.admin, Map.of("resendCooldownSeconds", 2)));
        String id = r.addUser("agent", "agent-pw");
        Browser b = r.browser();
        assertThat(r.signIn(b, "agent", "agent-pw").isRedirectToClient()).isTrue();

        Browser.Page enter = b.open(r.authUrl() + "&kc_action=twofactor-confirm-phone");
        assertThat(enter.doc().selectFirst(PhonePage.FIELD)).as(enter.toString()).isNotNull();
        Browser.Page invalid = PhonePage.send(b, enter, "8 916 123");
        assertThat(invalid.doc().text()).contains("international");

        String phone = "+14155550104";
        int before = twilio.to(phone).size();
        Browser.Page codePage = PhonePage.send(b, invalid, "+1 (415) 555-0104");
        TwilioStub.Received first = twilio.awaitTo(phone, before, Duration.ofSeconds(10));
        assertThat(CodePage.resendIn(codePage)).isBetween(1, 2);
        assertThat(codePage.doc().text()).contains("Confirm phone");

        Browser.Page tooSoon = CodePage.resend(b, codePage);
        assertThat(twilio.to(phone)).hasSize(before + 1);
        Thread.sleep(2200);
        Browser.Page again = CodePage.resend(b, tooSoon);
        TwilioStub.Received second = twilio.awaitTo(phone, before + 1, Duration.ofSeconds(10));
        assertThat(CodePage.resendIn(again)).as("second wait is twice the base").isBetween(3, 4);

        // (each post uses the page the server sent last: Keycloak refuses stale forms of a required action)
        Browser.Page wrongFirst = CodePage.submit(b, again, code(first));
        // (issue 10: the old code is named for what it is rather than a bare "Invalid code")
        assertThat(wrongFirst.doc().text()).as("the first code died with the resend").contains("A newer code was sent. Use the latest one.");
        Browser.Page confirmed = CodePage.submit(b, wrongFirst, code(second));
        assertThat(confirmed.doc().selectFirst("#twofactor-phone-confirmed-mark")).as(confirmed.toString()).isNotNull();
        assertThat(confirmed.doc().text()).contains("Confirmed").doesNotContain("4155550104");
        JsonNode state = r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users/" + id));
        assertThat(state.get("phoneVerified").asBoolean()).isTrue();
        assertThat(state.get("phoneVerifiedBy").asText()).isEqualTo("self");
        assertThat(storedPhone(r, id)).isEqualTo(phone);
        dev.keycloaktwofactor.devtools.CaughtMail told = EmailCodes.next(r, "agent");
        assertThat(told.subject()).contains("your phone number was confirmed");
        assertThat(told.text()).contains("You confirmed").contains("0104").doesNotContain("4155550104");

        Browser.Page done = b.submit(confirmed, PhonePage.FORM, Map.of("done", "true"));
        assertThat(done.isRedirectToClient()).isTrue();
        assertThat(done.queryParam("kc_action_status")).isEqualTo("success");

        // locked: the action shows the confirmed number; a new number is not taken until it is unpinned
        Browser.Page locked = b.open(r.authUrl() + "&kc_action=twofactor-confirm-phone");
        assertThat(locked.doc().selectFirst(PhonePage.FIELD)).isNull();
        Browser.Page stillLocked = PhonePage.send(b, locked, "+14155550199");
        assertThat(storedPhone(r, id)).isEqualTo(phone);
        // "Unpin number" asks first (a form, no script): nothing changes until the user says yes
        Browser.Page question = b.submit(stillLocked, PhonePage.FORM, Map.of("unpin", "true"));
        assertThat(question.doc().selectFirst("#twofactor-unpin-question")).as(question.toString()).isNotNull();
        assertThat(question.doc().text()).contains("Unpin this number?").contains("0104").doesNotContain("4155550104");
        assertThat(question.doc().selectFirst("button[name=unpin-confirmed]")).isNotNull();
        assertThat(storedPhone(r, id)).isEqualTo(phone);
        Browser.Page kept = b.submit(question, PhonePage.FORM, Map.of("keep", "true"));
        assertThat(kept.doc().selectFirst("#twofactor-phone-unpin")).as(kept.toString()).isNotNull();
        assertThat(r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users/" + id)).get("phoneVerified").asBoolean()).isTrue();
        question = b.submit(kept, PhonePage.FORM, Map.of("unpin", "true"));
        assertThat(storedPhone(r, id)).isEqualTo(phone);
        Browser.Page unpinned = b.submit(question, PhonePage.FORM, Map.of("unpin-confirmed", "true"));
        assertThat(unpinned.doc().selectFirst(PhonePage.FIELD)).isNotNull();
        assertThat(r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users/" + id)).get("phoneVerified").asBoolean()).isFalse();
        assertThat(storedPhone(r, id)).isNull();
        dev.keycloaktwofactor.devtools.CaughtMail removed = EmailCodes.next(r, "agent");
        assertThat(removed.subject()).contains("phone number for sign-in codes was changed");
        assertThat(removed.text()).contains("has been removed");
    }

    @Test
    void adminsAttachConfirmAndDetachAnyNumberAndTheUserIsTold() {
        TestRealm r = TestRealm.create("sms-admin");
        // a UK mobile: +44 20 7946 0958 used to be here, a London landline the phone rules now refuse (PhoneNumbersIT)
        String id = r.addUser("agent", "agent-pw");
        String path = "/" + r.name + "/twofactor/users/" + id;

        JsonNode attached = r.admin.ok(r.admin.put(path + "/phone", Map.of("phoneNumber", "+44 7400 120958")));
        assertThat(attached.get("phoneVerified").asBoolean()).isFalse();
        assertThat(attached.get("phoneNumber").asText()).doesNotContain("00120958");
        assertThat(storedPhone(r, id)).isEqualTo("+447400120958");
        assertThat(EmailCodes.next(r, "agent").text()).contains("58").doesNotContain("7400120958");

        JsonNode confirmed = r.admin.ok(r.admin.post(path + "/phone/confirm", null));
        assertThat(confirmed.get("phoneVerified").asBoolean()).isTrue();
        assertThat(confirmed.get("phoneVerifiedBy").asText()).isEqualTo("admin");
        dev.keycloaktwofactor.devtools.CaughtMail confirmedMail = EmailCodes.next(r, "agent");
        assertThat(confirmedMail.subject()).contains("your phone number was confirmed");
        assertThat(confirmedMail.text()).contains("An administrator has confirmed").doesNotContain("7400120958");

        // changing the number makes it unconfirmed, also when done through Keycloak's own user form
        r.admin.ok(r.admin.put(path + "/phone", Map.of("phoneNumber", "+447400120959")));
        assertThat(r.admin.ok(r.admin.get(path)).get("phoneVerified").asBoolean()).isFalse();
        r.admin.ok(r.admin.post(path + "/phone/confirm", null));
        JsonNode user = r.admin.ok(r.admin.get("/" + r.name + "/users/" + id));
        ((com.fasterxml.jackson.databind.node.ObjectNode) user.get("attributes")).putArray("phoneNumber").add("+447400120960");
        r.admin.ok(r.admin.put("/" + r.name + "/users/" + id, user));
        assertThat(r.admin.ok(r.admin.get(path)).get("phoneVerified").asBoolean()).isFalse();
        dev.keycloaktwofactor.devtools.CaughtMail viaUserForm = EmailCodes.next(r, "agent");
        assertThat(viaUserForm.subject()).as("a confirmed number changed in Keycloak's user form is told too")
                .contains("phone number for sign-in codes was changed");
        assertThat(viaUserForm.text()).contains("0960").doesNotContain("7400120960");

        assertThat(r.admin.delete(path + "/phone").status()).isEqualTo(204);
        assertThat(storedPhone(r, id)).isNull();
        assertThat(EmailCodes.next(r, "agent").text()).contains("has been removed");
        assertThat(r.admin.post(path + "/phone/confirm", null).status()).isEqualTo(400);
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(strings = {"{\"phoneNumber\": \"12345\"}", "{\"phoneNumber\": \"+0123456\"}", "{\"phoneNumber\": \"abc\"}",
            "{\"phoneNumber\": \"+1234567890123456\"}", "{\"phoneNumber\": \"\"}", "{\"phoneNumber\": 14155550100}",
            "{}", "[]", "not json"})
    void invalidNumbersAreRefusedAndNothingIsStored(String body) {
        String id = realm.addUser("bad-" + Math.abs(body.hashCode()), "pw-123456");
        String path = "/" + realm.name + "/twofactor/users/" + id + "/phone";
        realm.admin.ok(realm.admin.put(path, Map.of("phoneNumber", "+14155550177")));
        HttpAnswer answer = AdminClient.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(realm.kc.baseUrl() + "/admin/realms" + path))
                .header("Authorization", "Bearer " + realm.admin.token()).header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").asText()).isNotBlank().doesNotContain("Exception");
        assertThat(storedPhone(realm, id)).isEqualTo("+14155550177");
    }

    @Test
    void anAdminConfirmsOtherUsersNumbersButNeverTheirOwn() {
        TestRealm r = TestRealm.create("sms-own");
        String bossId = r.addUser("boss", "boss-pw");
        r.makeRealmAdmin(bossId);
        String agentId = r.addUser("agent", "agent-pw");
        AdminClient boss = AdminClient.passwordGrant(r.kc, r.name, "boss", "boss-pw");
        boss.ok(boss.put("/" + r.name + "/twofactor/users/" + bossId + "/phone", Map.of("phoneNumber", "+14155550105")));
        HttpAnswer own = boss.post("/" + r.name + "/twofactor/users/" + bossId + "/phone/confirm", null);
        assertThat(own.status()).isEqualTo(403);
        assertThat(own.json().get("error").asText()).contains("by SMS");
        assertThat(r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users/" + bossId)).get("phoneVerified").asBoolean()).isFalse();

        boss.ok(boss.put("/" + r.name + "/twofactor/users/" + agentId + "/phone", Map.of("phoneNumber", "+14155550106")));
        assertThat(boss.post("/" + r.name + "/twofactor/users/" + agentId + "/phone/confirm", null).status()).isEqualTo(200);
    }

    @Test
    void anOrdinaryUserCannotTouchAnotherUsersNumber() {
        TestRealm r = TestRealm.create("sms-agent");
        r.addUser("agent", "agent-pw");
        String otherId = r.addUser("employee", "employee-pw");
        AdminClient agent = AdminClient.passwordGrant(r.kc, r.name, "agent", "agent-pw");
        String path = "/" + r.name + "/twofactor/users/" + otherId + "/phone";
        assertThat(agent.put(path, Map.of("phoneNumber", "+14155550107")).status()).isEqualTo(403);
        assertThat(agent.post(path + "/confirm", null).status()).isEqualTo(403);
        assertThat(agent.delete(path).status()).isEqualTo(403);
        assertThat(storedPhone(r, otherId)).isNull();
    }

    private static String storedPhone(TestRealm r, String id) {
        JsonNode attrs = r.admin.ok(r.admin.get("/" + r.name + "/users/" + id)).path("attributes");
        List<String> values = new java.util.ArrayList<>();
        attrs.path("phoneNumber").forEach(v -> values.add(v.asText()));
        return values.isEmpty() ? null : values.get(0);
    }
}
