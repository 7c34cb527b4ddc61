package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.DeliveryPoll;
import dev.keycloaktwofactor.it.support.EmailCodes;
import dev.keycloaktwofactor.it.support.ExtraServerOptions;
import dev.keycloaktwofactor.it.support.KeycloakServer;
import dev.keycloaktwofactor.it.support.SlowSmtp;
import dev.keycloaktwofactor.it.support.TestRealm;
import dev.keycloaktwofactor.it.support.TwilioStub;
import com.fasterxml.jackson.databind.JsonNode;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Codes go out after the code page was answered: the page never waits for the mail server or the SMS gateway, the
 * code still arrives and signs in, and a send that fails reaches the user (the page's poll, or without JavaScript the
 * next submit) and the operator (event, one log line) as before, with "Send again" usable at once.
 */
class AsyncDeliveryIT {

    private static final String FAILED_TEXT = "We could not send the code. Try again or contact the administrator.";
    private static final TwilioStub twilio = ExtraServerOptions.twilio();

    /** A first login warms the server (classes, templates), so that the timings below measure the send, not that. */
    @org.junit.jupiter.api.BeforeAll
    static void warmUp() {
        TestRealm r = emailRealm("async-warm-up", KeycloakServer.get().mail().smtpPort());
        r.addUser("warm", "warm-pw");
        TestRealm texts = TestRealm.withSms("async-warm-up-sms", Map.of());
        userWithConfirmedPhone(texts, "warm", "+14155550160");
        for (int i = 0; i < 3; i++) {
            password(r, r.browser(), "warm");
            password(texts, texts.browser(), "warm");
        }
    }

    private static TestRealm emailRealm(String prefix, int smtpPort) {
        TestRealm r = TestRealm.create(prefix);
        r.admin.ok(r.admin.put("/" + r.name, Map.of("smtpServer", Map.of("host", "127.0.0.1", "port", String.valueOf(smtpPort),
                "from", "keycloak@example.test"))));
        // a long resend wait: "Send again" after a failure must not have to wait for it
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email", "resendCooldownSeconds", 120)));
        r.recordLoginEvents();
        return r;
    }

    private static String userWithConfirmedPhone(TestRealm r, String username, String phone) {
        String id = r.addUser(username, username + "-pw");
        r.admin.ok(r.admin.put("/" + r.name + "/twofactor/users/" + id + "/phone", Map.of("phoneNumber", phone)));
        r.admin.ok(r.admin.post("/" + r.name + "/twofactor/users/" + id + "/phone/confirm", null));
        return id;
    }

    private static Browser.Page sendAgain(Browser b, Browser.Page page) {
        assertThat(page.doc().selectFirst("button[name=resend]")).as("Send again is offered").isNotNull();
        return CodePage.resend(b, page);
    }

    /** The password POST, timed: what the user waits for before the code page shows. */
    private record Timed(Browser.Page page, long millis) {
    }

    private static Timed password(TestRealm r, Browser b, String username) {
        Browser.Page login = b.open(r.authUrl());
        long start = System.nanoTime();
        Browser.Page page = b.submit(login, "form#kc-form-login", Map.of("username", username, "password", username + "-pw"));
        return new Timed(page, (System.nanoTime() - start) / 1_000_000);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The no-JavaScript path: the failure is on the page itself and "Send again" is enabled, no countdown. */
    private static void assertFailureShown(Browser.Page page) {
        Element alert = page.doc().selectFirst("#twofactor-delivery-failed");
        assertThat(alert).as(page.toString()).isNotNull();
        assertThat(alert.hasAttr("hidden")).as("shown without a script").isFalse();
        assertThat(alert.attr("role")).isEqualTo("alert");
        assertThat(alert.text()).isEqualTo(FAILED_TEXT);
        Element resend = page.doc().selectFirst("button[name=resend]");
        assertThat(resend).isNotNull();
        assertThat(resend.hasAttr("disabled")).as("Send again enabled at once").isFalse();
        assertThat(resend.hasAttr("data-resend-in")).isFalse();
    }

    @Test
    void theCodePageDoesNotWaitForASlowMailServerAndTheCodeStillSignsIn() throws Exception {
        try (SlowSmtp smtp = SlowSmtp.before(KeycloakServer.get().mail().smtpPort())) {
            smtp.delayMillis = 2000;
            TestRealm r = emailRealm("async-slow-smtp", smtp.port());
            r.addUser("agent", "agent-pw");
            Browser b = r.browser();
            Timed timed = password(r, b, "agent");
            Browser.Page page = timed.page();
            assertThat(page.doc().selectFirst(CodePage.FIELD)).as(page.toString()).isNotNull();
            assertThat(timed.millis()).as("the code page answers well before the mail server does (2 s)").isLessThan(1000);
            Element alert = page.doc().selectFirst("#twofactor-delivery-failed");
            assertThat(alert.hasAttr("hidden")).as("the failure alert waits hidden").isTrue();
            assertThat(DeliveryPoll.state(b, DeliveryPoll.url(page))).isEqualTo("pending");

            String code = EmailCodes.nextCode(r, "agent");
            DeliveryPoll.await(b, page, "sent", Duration.ofSeconds(10));
            assertThat(CodePage.submit(b, page, code).isRedirectToClient()).isTrue();
            pause(2500);
            assertThat(EmailCodes.count(r, "agent")).as("one send, one email").isEqualTo(1);
        }
    }

    @Test
    void aMailServerThatIsDownIsShownByThePollAndTheNextSubmitAndSendAgainWorksOnceItIsBack() throws Exception {
        try (SlowSmtp smtp = SlowSmtp.before(KeycloakServer.get().mail().smtpPort())) {
            smtp.down = true;
            TestRealm r = emailRealm("async-smtp-down", smtp.port());
            r.addUser("agent", "agent-pw");
            Browser b = r.browser();
            Browser.Page page = password(r, b, "agent").page();
            assertThat(page.doc().selectFirst(CodePage.FIELD)).as(page.toString()).isNotNull();

            DeliveryPoll.await(b, page, "failed", Duration.ofSeconds(15));
            // the state is for this login's browser only
            assertThat(r.browser().open(DeliveryPoll.url(page)).status()).isEqualTo(404);
            Browser.Page stranger = r.browser().open(DeliveryPoll.url(page).replaceAll("[0-9a-f]{8}-", "00000000-"));
            assertThat(stranger.status()).isEqualTo(404);
            assertThat(b.open(DeliveryPoll.url(page)).body()).doesNotContain("agent");

            Browser.Page next = CodePage.submit(b, page, "123456");
            assertFailureShown(next);
            JsonNode events = r.admin.ok(r.admin.get("/" + r.name + "/events?type=LOGIN_ERROR"));
            assertThat(events).as("an event says the email did not go out")
                    .anySatisfy(e -> assertThat(e.get("error").asText()).isEqualTo("twofactor_delivery_failed"));
            assertThat(r.kc.logLines()).as("logged once")
                    .filteredOn(l -> l.contains("Two-factor code not delivered") && l.contains(r.name)).hasSize(1);
            assertThat(EmailCodes.count(r, "agent")).isZero();

            smtp.down = false;
            Browser.Page resent = sendAgain(b, next);
            assertThat(resent.doc().selectFirst("#twofactor-delivery-failed[hidden]")).as(resent.toString()).isNotNull();
            String code = EmailCodes.nextCode(r, "agent");
            assertThat(CodePage.submit(b, resent, code).isRedirectToClient()).isTrue();
            pause(1500);
            assertThat(EmailCodes.count(r, "agent")).as("one email for the one send that worked").isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "Twilio {0}")
    @ValueSource(strings = {"slow", "500", "timeout"})
    void aSlowOrFailingSmsGatewayNeverHoldsTheCodePage(String fault) {
        TestRealm r = TestRealm.withSms("async-sms-" + fault, Map.of("resendCooldownSeconds", 120));
        r.recordLoginEvents();
        String phone = switch (fault) {
            case "slow" -> "+14155550161";
            case "500" -> "+14155550162";
            default -> "+14155550163";
        };
        userWithConfirmedPhone(r, "agent", phone);
        int before = twilio.to(phone).size();
        // the suite's Twilio read timeout is 2 s: 1.5 s is slow, 6 s is a timeout
        twilio.delayMillis = switch (fault) {
            case "slow" -> 1500;
            case "timeout" -> 6000;
            default -> 0;
        };
        twilio.failWith = fault.equals("500") ? 500 : 0;
        Browser b = r.browser();
        Browser.Page page;
        try {
            Timed timed = password(r, b, "agent");
            page = timed.page();
            assertThat(page.doc().selectFirst(CodePage.FIELD)).as(page.toString()).isNotNull();
            assertThat(timed.millis()).as("the code page answers without waiting for the gateway").isLessThan(1000);
            if (fault.equals("slow")) {
                String code = twilio.awaitTo(phone, before, Duration.ofSeconds(10)).code();
                DeliveryPoll.await(b, page, "sent", Duration.ofSeconds(10));
                assertThat(CodePage.submit(b, page, code).isRedirectToClient()).isTrue();
                pause(2000);
                assertThat(twilio.to(phone)).as("one text for one send").hasSize(before + 1);
                return;
            }
            DeliveryPoll.await(b, page, "failed", Duration.ofSeconds(20));
        } finally {
            twilio.delayMillis = 0;
            twilio.failWith = 0;
        }
        Browser.Page next = CodePage.submit(b, page, "123456");
        assertFailureShown(next);
        JsonNode events = r.admin.ok(r.admin.get("/" + r.name + "/events?type=LOGIN_ERROR"));
        assertThat(events).anySatisfy(e -> assertThat(e.get("error").asText()).isEqualTo("twofactor_delivery_failed"));
        assertThat(events.toString()).doesNotContain(phone).doesNotContain(phone.substring(1));
        assertThat(r.kc.logLines()).as("logged once, without the number")
                .filteredOn(l -> l.contains("Two-factor code not delivered") && l.contains(r.name)).hasSize(1)
                .noneMatch(l -> l.contains(phone.substring(2)));
        // the Twilio SDK itself retries a 5xx (3 tries): still one send, one code
        assertThat(codes(phone, before)).as("one send").hasSize(1);

        // counted before Send again: the text leaves after the page answers and may be in before the count
        int attempts = twilio.to(phone).size();
        Browser.Page resent = sendAgain(b, next);
        String code = twilio.awaitTo(phone, attempts, Duration.ofSeconds(10)).code();
        assertThat(CodePage.submit(b, resent, code).isRedirectToClient()).isTrue();
        pause(1500);
        assertThat(codes(phone, before)).as("the failed send and the resend").hasSize(2);
        assertThat(twilio.to(phone).stream().filter(t -> t.code().equals(code))).as("the resent code went out once").hasSize(1);
    }

    /** The different codes texted to {@code phone} after the first {@code before} texts. */
    private static java.util.List<String> codes(String phone, int before) {
        return twilio.to(phone).stream().skip(before).map(TwilioStub.Received::code).distinct().toList();
    }
}
