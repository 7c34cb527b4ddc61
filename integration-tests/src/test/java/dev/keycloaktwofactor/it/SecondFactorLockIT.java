package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.EmailCodes;
import dev.keycloaktwofactor.it.support.ExtraServerOptions;
import dev.keycloaktwofactor.it.support.QrPage;
import dev.keycloaktwofactor.it.support.TestRealm;
import dev.keycloaktwofactor.it.support.Totp;
import dev.keycloaktwofactor.it.support.TwilioStub;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.keycloaktwofactor.it.support.Pause.sleep;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our own cap on wrong second-factor entries, per user, whatever Keycloak's brute-force setting (off here, as in a
 * new realm): app, email and SMS codes lock the user's second factor after {@code maxCodeAttempts} wrong entries
 * counted across login attempts, and only an admin or the end of {@code lockoutSeconds} lifts it.
 */
class SecondFactorLockIT {

    private static final String LOCKED = "Too many wrong codes. Try again in";

    /** A realm with the given settings and Keycloak's brute-force protection off, its default for a new realm. */
    private static TestRealm realm(String prefix, Map<String, Object> settings) {
        TestRealm r = TestRealm.create(prefix);
        r.admin.ok(r.admin.put("/" + r.name, Map.of("bruteForceProtected", false)));
        r.admin.ok(r.putSettings(r.admin, settings));
        return r;
    }

    /** Adds a user and sets up their authenticator app through the login's QR page. */
    private static Totp userWithApp(TestRealm r, String username) {
        r.addUser(username, username + "-pw");
        Browser b = r.browser();
        Browser.Page qr = r.signIn(b, username, username + "-pw");
        assertThat(qr.doc().selectFirst(QrPage.QR)).as(qr.toString()).isNotNull();
        Totp app = QrPage.scan(qr);
        assertThat(CodePage.submit(b, qr, app.now()).isRedirectToClient()).isTrue();
        return app;
    }

    /** A code the app does not accept now (outside the ±1 step window). */
    private static String wrong(Totp app, int i) {
        long now = System.currentTimeMillis() / 1000;
        List<String> valid = List.of(app.now(), app.next(), app.codeAt(now - app.period()), app.codeAt(now + 2L * app.period()));
        for (int n = i; ; n++) {
            String candidate = String.format("%06d", (n * 7919 + 12345) % 1_000_000);
            if (!valid.contains(candidate)) {
                return candidate;
            }
        }
    }

    private static String userId(TestRealm r, String username) {
        return r.admin.ok(r.admin.get("/" + r.name + "/users?exact=true&username=" + username)).get(0).get("id").asText();
    }

    private static JsonNode state(TestRealm r, String id) {
        return r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users/" + id));
    }

    @Test
    void thirtyWrongAppCodesLockTheUserAtMaxCodeAttemptsEvenWithBruteForceOff() {
        TestRealm r = realm("lock-totp", Map.of("method", "totp"));
        r.recordLoginEvents();
        Totp app = userWithApp(r, "agent");
        String id = userId(r, "agent");
        assertThat(state(r, id).get("lockedUntil").isNull()).isTrue();

        Browser b = r.browser();
        Browser.Page codePage = r.signIn(b, "agent", "agent-pw");
        String action = CodePage.action(codePage);
        Browser.Page page = codePage;
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            page = page.doc().selectFirst(CodePage.FORM) != null
                    ? CodePage.submit(b, page, wrong(app, i)) : b.post(action, Map.of("code", wrong(app, i)));
            assertThat(page.isRedirectToClient()).isFalse();
            answers.add(page.doc().text());
        }
        // 4 wrong entries are answered as such (the last two with the tries left), the 5th locks
        assertThat(answers.subList(0, 4)).allSatisfy(text -> assertThat(text).contains("Invalid code"));
        assertThat(answers.get(2)).contains("Tries left: 2");
        assertThat(answers.get(3)).contains("Tries left: 1");
        assertThat(answers.get(4)).contains("Too many wrong codes. Try again in 15 minutes.");
        // nothing after the cap is checked: every later post is answered with the lock and the way back to sign in
        assertThat(answers.subList(4, 30)).allSatisfy(text -> assertThat(text).contains(LOCKED).doesNotContain("Invalid code"));

        // while locked even the right code is refused, and a new attempt gets no code page
        Browser.Page right = b.post(action, Map.of("code", app.next()));
        assertThat(right.isRedirectToClient()).isFalse();
        Browser other = r.browser();
        Browser.Page again = r.signIn(other, "agent", "agent-pw");
        assertThat(again.doc().selectFirst(CodePage.FIELD)).as("no code page while locked: " + again).isNull();
        assertThat(again.doc().text()).contains(LOCKED);

        Instant until = Instant.parse(state(r, id).get("lockedUntil").asText());
        assertThat(until).isBetween(Instant.now().plusSeconds(800), Instant.now().plusSeconds(901));
        JsonNode events = r.admin.ok(r.admin.get("/" + r.name + "/events?type=LOGIN_ERROR&max=200"));
        assertThat(events).anySatisfy(e -> assertThat(e.get("error").asText()).isEqualTo("twofactor_locked"));
    }

    @Test
    void theCountSurvivesANewLoginAttemptAndACorrectCodeBeforeTheCapResetsIt() {
        TestRealm r = realm("lock-count", Map.of("method", "totp", "maxCodeAttempts", 5));
        Totp app = userWithApp(r, "agent");
        Totp other = userWithApp(r, "other");

        // 3 wrong in one attempt, 2 in the next: the 5th entry locks, the new attempt did not reset the count
        Browser first = r.browser();
        Browser.Page page = r.signIn(first, "agent", "agent-pw");
        for (int i = 0; i < 3; i++) {
            page = CodePage.submit(first, page, wrong(app, i));
            assertThat(page.doc().text()).contains("Invalid code");
        }
        Browser second = r.browser();
        Browser.Page page2 = r.signIn(second, "agent", "agent-pw");
        page2 = CodePage.submit(second, page2, wrong(app, 3));
        assertThat(page2.doc().text()).contains("Invalid code").contains("Tries left: 1");
        page2 = CodePage.submit(second, page2, wrong(app, 4));
        assertThat(page2.doc().text()).contains(LOCKED);

        // a correct code after 4 wrong ones signs in and the count starts again
        Browser b = r.browser();
        Browser.Page p = r.signIn(b, "other", "other-pw");
        for (int i = 0; i < 4; i++) {
            p = CodePage.submit(b, p, wrong(other, i));
        }
        assertThat(CodePage.submit(b, p, other.next()).isRedirectToClient()).as("the right code before the cap").isTrue();
        Browser next = r.browser();
        Browser.Page q = r.signIn(next, "other", "other-pw");
        for (int i = 0; i < 4; i++) {
            q = CodePage.submit(next, q, wrong(other, 10 + i));
            assertThat(q.doc().text()).as("wrong entry " + (i + 1) + " after the reset").contains("Invalid code").doesNotContain(LOCKED);
        }
    }

    @Test
    void parallelWrongGuessesAcrossLoginAttemptsGetNoMoreChecksThanTheCap() throws Exception {
        TestRealm r = realm("lock-parallel", Map.of("method", "totp", "maxCodeAttempts", 5));
        Totp app = userWithApp(r, "agent");
        String id = userId(r, "agent");
        // 12 login attempts on the code page, then one wrong guess from each at the same moment (each post is
        // its page's first, so Keycloak hands every one of them to the code check)
        List<Browser> browsers = new ArrayList<>();
        List<Browser.Page> pages = new ArrayList<>();
        for (int a = 0; a < 12; a++) {
            Browser b = r.browser();
            browsers.add(b);
            pages.add(r.signIn(b, "agent", "agent-pw"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<Future<Browser.Page>> posts = new ArrayList<>();
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < 12; i++) {
                Browser b = browsers.get(i);
                Browser.Page page = pages.get(i);
                String code = wrong(app, i);
                posts.add(pool.submit(() -> {
                    start.await();
                    return CodePage.submit(b, page, code);
                }));
            }
            start.countDown();
            int checked = 0;
            int locked = 0;
            for (Future<Browser.Page> f : posts) {
                Browser.Page answer = f.get();
                assertThat(answer.isRedirectToClient()).isFalse();
                String text = answer.doc().text();
                if (text.contains("Invalid code")) {
                    checked++;
                } else if (text.contains(LOCKED)) {
                    locked++;
                }
            }
            // a guess is checked only with one of the 5 tries claimed first: 4 answered "Invalid code", the 5th locked
            assertThat(checked).as("wrong guesses answered as wrong").isEqualTo(4);
            assertThat(locked).as("the rest were answered with the lock").isEqualTo(8);
        } finally {
            pool.shutdownNow();
        }
        assertThat(state(r, id).get("lockedUntil").isNull()).isFalse();
        Browser.Page again = r.signIn(r.browser(), "agent", "agent-pw");
        assertThat(again.doc().text()).contains(LOCKED);
    }

    @Test
    void anAdminSeesTheLockAndLiftsItWithAnAdminEvent() {
        TestRealm r = realm("lock-admin", Map.of("method", "totp", "maxCodeAttempts", 2, "lockoutSeconds", 3600));
        r.admin.ok(r.admin.put("/" + r.name, Map.of("adminEventsEnabled", true)));
        r.addUser("helpdesk", "helpdesk-pw");
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "none")));
        // a signed-in user without admin roles (the direct grant works only while 2FA is off)
        AdminClient noRights = AdminClient.passwordGrant(r.kc, r.name, "helpdesk", "helpdesk-pw");
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "totp")));
        Totp app = userWithApp(r, "agent");
        String id = userId(r, "agent");

        Browser b = r.browser();
        Browser.Page page = r.signIn(b, "agent", "agent-pw");
        page = CodePage.submit(b, page, wrong(app, 0));
        page = CodePage.submit(b, page, wrong(app, 1));
        assertThat(page.doc().text()).contains("Too many wrong codes. Try again in 60 minutes.");

        JsonNode locked = state(r, id);
        Instant until = Instant.parse(locked.get("lockedUntil").asText());
        assertThat(until).isBetween(Instant.now().plusSeconds(3500), Instant.now().plusSeconds(3601));
        JsonNode list = r.admin.ok(r.admin.get("/" + r.name + "/twofactor/users?search=agent"));
        assertThat(list.get("users").get(0).get("lockedUntil").asText()).isEqualTo(locked.get("lockedUntil").asText());

        assertThat(noRights.delete("/" + r.name + "/twofactor/users/" + id + "/lock").status()).isEqualTo(403);
        assertThat(state(r, id).get("lockedUntil").isNull()).as("a refused unlock changes nothing").isFalse();
        assertThat(r.admin.delete("/" + r.name + "/twofactor/users/no-such-user/lock").status()).isEqualTo(404);
        assertThat(r.admin.delete("/" + r.name + "/twofactor/users/" + id + "/lock").status()).isEqualTo(204);
        assertThat(state(r, id).get("lockedUntil").isNull()).isTrue();
        JsonNode events = r.admin.ok(r.admin.get("/" + r.name + "/admin-events?operationTypes=DELETE"));
        assertThat(events).anySatisfy(e -> assertThat(e.get("resourcePath").asText()).isEqualTo("users/" + id + "/lock"));

        Browser after = r.browser();
        Browser.Page codePage = r.signIn(after, "agent", "agent-pw");
        assertThat(CodePage.submit(after, codePage, app.next()).isRedirectToClient()).as("unlocked: the app's code works").isTrue();
    }

    @Test
    void emailCodesLockTheUserAcrossLoginAttemptsAndALockedUserIsSentNothing() {
        TestRealm r = realm("lock-email", Map.of("method", "email", "maxCodeAttempts", 3, "resendCooldownSeconds", 1));
        r.addUser("agent", "agent-pw");
        Browser first = r.browser();
        Browser.Page page = r.signIn(first, "agent", "agent-pw");
        String code = EmailCodes.nextCode(r, "agent");
        String wrong = code.equals("000000") ? "111111" : "000000";
        page = CodePage.submit(first, page, wrong);
        page = CodePage.submit(first, page, wrong);
        assertThat(page.doc().text()).contains("Tries left: 1");

        // another login attempt (the user's live code works there too, so no new email is needed)
        Browser second = r.browser();
        Browser.Page page2 = r.signIn(second, "agent", "agent-pw");
        Browser.Page lockedPage = CodePage.submit(second, page2, wrong);
        assertThat(lockedPage.doc().text()).as("the 3rd wrong entry, in another attempt").contains(LOCKED);
        assertThat(CodePage.submit(second, page2, code).isRedirectToClient()).as("the right code while locked").isFalse();

        long sent = EmailCodes.count(r, "agent");
        sleep(1200);
        Browser third = r.browser();
        Browser.Page again = r.signIn(third, "agent", "agent-pw");
        assertThat(again.doc().text()).contains(LOCKED);
        sleep(500);
        assertThat(EmailCodes.count(r, "agent")).as("no email to a locked user").isEqualTo(sent);
    }

    @Test
    void smsCodesLockTheUserAcrossLoginAttempts() {
        TwilioStub twilio = ExtraServerOptions.twilio();
        TestRealm r = TestRealm.withSms("lock-sms", Map.of("maxCodeAttempts", 2, "resendCooldownSeconds", 1));
        r.admin.ok(r.admin.put("/" + r.name, Map.of("bruteForceProtected", false)));
        String phone = "+14155550191";
        String id = r.addUser("agent", "agent-pw");
        r.admin.ok(r.admin.put("/" + r.name + "/twofactor/users/" + id + "/phone", Map.of("phoneNumber", phone)));
        r.admin.ok(r.admin.post("/" + r.name + "/twofactor/users/" + id + "/phone/confirm", null));

        int before = twilio.to(phone).size();
        Browser first = r.browser();
        Browser.Page page = r.signIn(first, "agent", "agent-pw");
        String code = twilio.awaitTo(phone, before, Duration.ofSeconds(10)).code();
        page = CodePage.submit(first, page, code.equals("000000") ? "111111" : "000000");
        assertThat(page.doc().text()).contains("Invalid code");

        Browser second = r.browser();
        Browser.Page page2 = r.signIn(second, "agent", "agent-pw");
        Browser.Page locked = CodePage.submit(second, page2, code.equals("000000") ? "111111" : "000000");
        assertThat(locked.doc().text()).contains(LOCKED);
        assertThat(CodePage.submit(second, page2, code).isRedirectToClient()).as("the right code while locked").isFalse();
        assertThat(state(r, id).get("lockedUntil").isNull()).isFalse();
    }
}
