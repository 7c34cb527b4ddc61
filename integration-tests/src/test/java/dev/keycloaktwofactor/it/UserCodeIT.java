package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.EmailCodes;
import dev.keycloaktwofactor.it.support.ExtraServerOptions;
import dev.keycloaktwofactor.it.support.TestRealm;
import dev.keycloaktwofactor.it.support.TwilioStub;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.keycloaktwofactor.it.support.Pause.sleep;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Codes follow the user, not the browser tab: one live code per user and channel, accepted by every login attempt
 * of that user (tabs, browsers, a timed-out session started again), spent once for all, replaced by a resend, and
 * sent only when no live one exists.
 */
class UserCodeIT {

    private static final Pattern SENT_AT = Pattern.compile("We sent a code to (\\S+) at (\\d\\d:\\d\\d)\\. It is valid until (\\d\\d:\\d\\d)\\.");

    private static TestRealm emailRealm(String prefix, Map<String, Object> settings) {
        TestRealm r = TestRealm.create(prefix);
        Map<String, Object> s = new java.util.HashMap<>(Map.of("method", "email"));
        s.putAll(settings);
        r.admin.ok(r.putSettings(r.admin, s));
        return r;
    }

    @Test
    void theCodeFromTheFirstLoginSignsInASecondLoginOpenedWithinTheWait() {
        // the reported case: default wait (30 s), a second tab signs in with the password again
        TestRealm r = emailRealm("code-second-tab", Map.of());
        r.addUser("agent", "agent-pw");
        Browser first = r.browser();
        r.signIn(first, "agent", "agent-pw");
        String code = EmailCodes.nextCode(r, "agent");

        Browser second = r.browser();
        String before = LocalTime.now().minusMinutes(1).format(DateTimeFormatter.ofPattern("HH:mm"));
        Browser.Page page = r.signIn(second, "agent", "agent-pw");
        assertThat(EmailCodes.count(r, "agent")).as("no second email").isEqualTo(1);
        String text = page.doc().text();
        assertThat(text).doesNotContain("expired").doesNotContain("moment ago");
        Matcher m = SENT_AT.matcher(text);
        assertThat(m.find()).as("the page says when the code went out: " + text).isTrue();
        assertThat(m.group(1)).isEqualTo("a***t@" + r.name + ".example.test");
        assertThat(m.group(2)).as("sent a moment ago, server time")
                .isIn(before, LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm")));
        assertThat(LocalTime.parse(m.group(3))).as("valid for the code's life (300 s)")
                .isEqualTo(LocalTime.parse(m.group(2)).plusMinutes(5));
        assertThat(CodePage.resendIn(page)).isBetween(1, 30);

        Browser.Page done = CodePage.submit(second, page, code);
        assertThat(done.isRedirectToClient()).as("the code in the inbox signs in: " + done).isTrue();
        assertThat(r.exchange(done).get("access_token").asText()).isNotBlank();
    }

    @Test
    void aCodeWorksOnceAcrossTwoLoginsPostingInParallel() throws Exception {
        TestRealm r = emailRealm("code-parallel-logins", Map.of());
        r.admin.ok(r.admin.put("/" + r.name, Map.of("bruteForceProtected", false)));
        r.addUser("agent", "agent-pw");
        Browser a = r.browser();
        Browser.Page pageA = r.signIn(a, "agent", "agent-pw");
        String code = EmailCodes.nextCode(r, "agent");
        Browser b = r.browser();
        Browser.Page pageB = r.signIn(b, "agent", "agent-pw");

        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            var inA = pool.submit(() -> {
                start.await();
                return CodePage.submit(a, pageA, code);
            });
            var inB = pool.submit(() -> {
                start.await();
                return CodePage.submit(b, pageB, code);
            });
            start.countDown();
            int logins = 0;
            for (Browser.Page p : List.of(inA.get(), inB.get())) {
                if (p.isRedirectToClient() && p.queryParam("code") != null) {
                    logins++;
                }
            }
            assertThat(logins).as("exactly one of the two logins").isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aResendInOneLoginKillsTheCodeTheOtherReceived() {
        TestRealm r = emailRealm("code-resend-kills", Map.of("resendCooldownSeconds", 1));
        r.addUser("agent", "agent-pw");
        Browser a = r.browser();
        Browser.Page pageA = r.signIn(a, "agent", "agent-pw");
        String old = EmailCodes.nextCode(r, "agent");

        Browser b = r.browser();
        Browser.Page pageB = r.signIn(b, "agent", "agent-pw");
        sleep(1200);
        Browser.Page resent = CodePage.resend(b, pageB);
        assertThat(resent.doc().text()).contains("A new code has been sent");
        String fresh = EmailCodes.nextCode(r, "agent");
        if (fresh.equals(old)) {
            return; // one in a million: the same digits prove nothing here
        }

        Browser.Page withOld = CodePage.submit(a, pageA, old);
        assertThat(withOld.isRedirectToClient()).isFalse();
        assertThat(withOld.doc().text()).contains("A newer code was sent. Use the latest one.").doesNotContain("Invalid code");
        assertThat(CodePage.submit(a, withOld, fresh).isRedirectToClient()).as("the latest code works in the other login").isTrue();
    }

    @Test
    void aNewLoginInsideTheWaitSendsNothingAndAfterSignInTheNextLoginSendsAgain() {
        TestRealm r = emailRealm("code-new-attempt", Map.of("resendCooldownSeconds", 600));
        r.addUser("agent", "agent-pw");
        Browser first = r.browser();
        r.signIn(first, "agent", "agent-pw");
        String code = EmailCodes.nextCode(r, "agent");
        for (int i = 0; i < 3; i++) {
            Browser.Page page = r.signIn(r.browser(), "agent", "agent-pw");
            assertThat(SENT_AT.matcher(page.doc().text()).find()).as(page.toString()).isTrue();
            assertThat(CodePage.resendIn(page)).isBetween(500, 600);
        }
        assertThat(EmailCodes.count(r, "agent")).isEqualTo(1);

        Browser last = r.browser();
        Browser.Page page = r.signIn(last, "agent", "agent-pw");
        assertThat(CodePage.submit(last, page, code).isRedirectToClient()).isTrue();
        // the code is spent: the next login gets a new one at once
        Browser next = r.browser();
        r.signIn(next, "agent", "agent-pw");
        assertThat(EmailCodes.nextCode(r, "agent")).isNotBlank();
        assertThat(EmailCodes.count(r, "agent")).isEqualTo(2);
    }

    @Test
    void anExpiredCodeLetsTheNextLoginSendANewOneAtOnce() {
        TestRealm r = emailRealm("code-expired-next", Map.of("codeTtlSeconds", 60, "resendCooldownSeconds", 600));
        r.addUser("agent", "agent-pw");
        Browser first = r.browser();
        Browser.Page page = r.signIn(first, "agent", "agent-pw");
        String old = EmailCodes.nextCode(r, "agent");
        sleep(61_500);
        Browser second = r.browser();
        Browser.Page fresh = r.signIn(second, "agent", "agent-pw");
        String code = EmailCodes.nextCode(r, "agent");
        assertThat(EmailCodes.count(r, "agent")).as("no wait left from a code nobody can use").isEqualTo(2);
        assertThat(fresh.doc().text()).doesNotContain("You can request a new code in");
        assertThat(CodePage.submit(first, page, old).isRedirectToClient()).isFalse();
        assertThat(CodePage.submit(second, fresh, code).isRedirectToClient()).isTrue();
    }

    @Test
    void smsCodesFollowTheUserToo() {
        TwilioStub twilio = ExtraServerOptions.twilio();
        TestRealm r = TestRealm.withSms("code-sms", Map.of("resendCooldownSeconds", 1));
        String phone = "+14155550192";
        String id = r.addUser("agent", "agent-pw");
        r.admin.ok(r.admin.put("/" + r.name + "/twofactor/users/" + id + "/phone", Map.of("phoneNumber", phone)));
        r.admin.ok(r.admin.post("/" + r.name + "/twofactor/users/" + id + "/phone/confirm", null));

        int before = twilio.to(phone).size();
        Browser a = r.browser();
        Browser.Page pageA = r.signIn(a, "agent", "agent-pw");
        String old = twilio.awaitTo(phone, before, Duration.ofSeconds(10)).code();

        // another login inside the wait: no text, and the code from the first works there
        Browser b = r.browser();
        Browser.Page pageB = r.signIn(b, "agent", "agent-pw");
        assertThat(twilio.to(phone)).hasSize(before + 1);
        assertThat(pageB.doc().text()).containsPattern("We sent a code to .+? at \\d\\d:\\d\\d\\. It is valid until \\d\\d:\\d\\d\\.");
        // a resend there replaces it for both
        sleep(1200);
        Browser.Page resent = CodePage.resend(b, pageB);
        String fresh = twilio.awaitTo(phone, before + 1, Duration.ofSeconds(10)).code();
        Browser.Page current = pageA;
        if (!fresh.equals(old)) {
            current = CodePage.submit(a, pageA, old);
            assertThat(current.doc().text()).contains("A newer code was sent");
        }
        Browser.Page done = CodePage.submit(a, current, fresh);
        assertThat(done.isRedirectToClient()).as(done.toString()).isTrue();
        Browser.Page spent = CodePage.submit(b, resent, fresh);
        assertThat(spent.isRedirectToClient()).as("spent for every login").isFalse();
        assertThat(spent.doc().text()).as(spent.toString()).contains("The code has expired");
    }
}
