package dev.keycloaktwofactor.code;

import dev.keycloaktwofactor.code.CodeExchange.Check;
import dev.keycloaktwofactor.code.CodeExchange.Refused;
import dev.keycloaktwofactor.code.CodeExchange.Sent;
import dev.keycloaktwofactor.code.CodeExchange.Verdict;
import dev.keycloaktwofactor.code.ResendSchedule.Refusal;
import dev.keycloaktwofactor.model.TwoFactorMethod;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.common.util.Time;
import org.keycloak.models.SingleUseObjectProvider;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The code engine as one request sees it ({@link CodeExchange}), without a server: the rules of docs/security-model.md,
 * "Codes", "Wrong codes" and "Sends and shared limits", against the in-memory single-use store and Keycloak's clock
 * ({@link Time#setOffset}).
 * <p>
 * The fake's {@code put} applies at once, while Keycloak's shows only when the request commits. For requests one after
 * the other that is the same (each has committed before the next starts); the race tests, where it matters, run every
 * request through a {@link RequestStore}, which holds its puts until the request ends, as Keycloak does, so that they
 * show what the immediate put-if-absent claims alone guarantee.
 */
class CodeExchangeTest {

    private InMemorySingleUseObjects store = new InMemorySingleUseObjects();
    private TwoFactorSettings settings = settings(300, 30, 3, 600);
    private SendCaps caps = SendCaps.DEFAULTS;

    private static TwoFactorSettings settings(int codeTtl, int resendCooldown, int maxCodeAttempts, int lockout) {
        return new TwoFactorSettings(TwoFactorMethod.EMAIL, 6, codeTtl, resendCooldown, 5, maxCodeAttempts, lockout, true,
                List.of(), false, null);
    }

    @BeforeAll
    static void warmUp() {
        OneTimeCode.generate(6); // the first SecureRandom draw may take a while: not inside a timed test
    }

    @AfterEach
    void clock() {
        Time.setOffset(0);
    }

    private interface Steps {
        void run() throws Exception;
    }

    /**
     * Runs the steps of a timed test within one second of the real clock, so that the waits come out exact (Keycloak's
     * clock is the real one plus the offset a test sets): from the start of a second, on an empty store, and once more
     * if an assertion failed after the second had changed (a busy machine); a failure within one second stands.
     */
    private void inOneSecond(Steps steps) throws Exception {
        for (int attempt = 1; ; attempt++) {
            store = new InMemorySingleUseObjects();
            Time.setOffset(0);
            long intoSecond = System.currentTimeMillis() % 1000;
            if (intoSecond > 50) {
                Thread.sleep(1002 - intoSecond);
            }
            long second = System.currentTimeMillis() / 1000;
            try {
                steps.run();
                return;
            } catch (AssertionError e) {
                if (System.currentTimeMillis() / 1000 == second || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** A request of {@code user} for an emailed sign-in code, from an untrusted address. */
    private CodeExchange request(String user) {
        return request(store, user);
    }

    private CodeExchange request(SingleUseObjectProvider view, String user) {
        return new CodeExchange(view, "realm", user, "email", CodePurpose.LOGIN, user + "@example.test", "10.0.0.1", false,
                settings, caps);
    }

    /** A request of {@code user} for a text to {@code number}, from {@code address}. */
    private CodeExchange text(SingleUseObjectProvider view, String user, String number, String address, boolean trusted) {
        return new CodeExchange(view, "realm", user, "sms", CodePurpose.LOGIN, number, address, trusted, settings, caps);
    }

    private static Sent sent(CodeExchange.Send send) {
        assertThat(send).isInstanceOf(Sent.class);
        return (Sent) send;
    }

    private static Refused refused(CodeExchange.Send send) {
        assertThat(send).isInstanceOf(Refused.class);
        return (Refused) send;
    }

    /** Six digits that are none of {@code codes}. */
    private static String other(String... codes) {
        Set<String> taken = Set.of(codes);
        for (int i = 0; ; i++) {
            String candidate = String.format("%06d", i);
            if (!taken.contains(candidate)) {
                return candidate;
            }
        }
    }

    private int refusals(SendRefusals.Cap cap) {
        return SendRefusals.lastHour(store, "realm").get(cap);
    }

    // --- Codes: one live code per user, sent once, spent once ---

    @Test
    void theFirstPageSendsOneCodeAndAnotherRequestWhileItLivesSendsNone() throws Exception {
        inOneSecond(() -> {
            assertThat(request("u").live()).as("nothing sent yet").isNull();
            Sent first = sent(request("u").send("tab-1"));
            assertThat(first.code()).hasSize(6).containsOnlyDigits();
            assertThat(first.live().expiresAt()).isEqualTo(first.live().sentAt() + 300);
            // a refresh, another tab or another browser of the same user: the code that lives is theirs, and the page
            // shows it (the code factor sends only when live() is null)
            CodeExchange again = request("u");
            assertThat(again.live()).isEqualTo(first.live());
            // asked to send anyway at once, it waits for the code that lives
            assertThat(refused(again.send("browser-2"))).isEqualTo(new Refused(Refusal.COOLDOWN, 30));
            assertThat(request("u").live().id()).as("still the first code").isEqualTo(first.live().id());
            assertThat(request("someone-else").live()).isNull();
        });
    }

    @Test
    void theLiveCodeWorksOnceInAnyRequestOfTheUserAndForNobodyElse() {
        String code = sent(request("u").send("tab-1")).code();
        assertThat(request("v").check(code)).as("another user, with no code")
                .isEqualTo(new Check(Verdict.EXPIRED, 0, CodeStore.Result.NONE_PENDING));
        String vCode = sent(request("v").send("tab-9")).code();
        if (!vCode.equals(code)) {
            assertThat(request("v").check(code)).as("another user, with a code of their own")
                    .isEqualTo(new Check(Verdict.WRONG, 2, CodeStore.Result.WRONG));
        }
        assertThat(request("u").check(code)).as("any request of the user")
                .isEqualTo(new Check(Verdict.ACCEPTED, 0, CodeStore.Result.ACCEPTED));
        assertThat(request("u").check(code)).as("spent for every request")
                .isEqualTo(new Check(Verdict.EXPIRED, 0, CodeStore.Result.EXPIRED));
        assertThat(request("u").live()).isNull();
        assertThat(request("v").check(vCode)).as("v's own code still works").isEqualTo(new Check(Verdict.ACCEPTED, 0, CodeStore.Result.ACCEPTED));
    }

    // --- Sends: the resend wait ---

    @Test
    void theNthSendWaitsNTimesTheCooldownAndASendInsideTheWaitIsRefusedWithTheSecondsLeft() throws Exception {
        settings = settings(600, 30, 3, 600);
        inOneSecond(() -> {
            sent(request("u").send("t"));
            assertThat(request("u").secondsToWait()).isEqualTo(30);
            Time.setOffset(29);
            assertThat(refused(request("u").send("t"))).isEqualTo(new Refused(Refusal.COOLDOWN, 1));
            Time.setOffset(30);
            sent(request("u").send("t"));
            assertThat(request("u").secondsToWait()).isEqualTo(60);
            Time.setOffset(89);
            assertThat(refused(request("u").send("t"))).isEqualTo(new Refused(Refusal.COOLDOWN, 1));
            Time.setOffset(90);
            sent(request("u").send("t"));
            assertThat(request("u").secondsToWait()).isEqualTo(90);
            Time.setOffset(150);
            assertThat(refused(request("u").send("t"))).isEqualTo(new Refused(Refusal.COOLDOWN, 30));
            assertThat(request("other").secondsToWait()).as("per user").isZero();
            assertThat(refusals(SendRefusals.Cap.USER) + refusals(SendRefusals.Cap.DESTINATION)).as("the wait is no cap: not counted")
                    .isZero();
        });
    }

    @Test
    void theWaitHoldsOnlyWhileACodeLives() throws Exception {
        settings = settings(60, 120, 3, 600);
        inOneSecond(() -> {
            sent(request("u").send("t"));
            Time.setOffset(30);
            assertThat(refused(request("u").send("t"))).isEqualTo(new Refused(Refusal.COOLDOWN, 90));
            Time.setOffset(61);
            CodeExchange afterExpiry = request("u");
            assertThat(afterExpiry.live()).isNull();
            assertThat(afterExpiry.secondsToWait()).as("the wait is still recorded").isEqualTo(59);
            sent(afterExpiry.send("t"));
            assertThat(request("u").secondsToWait()).as("the second send: 2 x 120 s").isEqualTo(240);
        });
    }

    @Test
    void aSuccessfulSignInEndsTheWait() throws Exception {
        inOneSecond(() -> {
            sent(request("u").send("t"));
            Time.setOffset(30);
            String code = sent(request("u").send("t")).code();
            assertThat(request("u").secondsToWait()).isEqualTo(60);
            assertThat(request("u").check(code).verdict()).isEqualTo(Verdict.ACCEPTED);
            assertThat(request("u").secondsToWait()).isZero();
            sent(request("u").send("next-login"));
            assertThat(request("u").secondsToWait()).as("counted from the first send again").isEqualTo(30);
        });
    }

    @Test
    void aQuarterHourOfQuietForgetsTheWait() throws Exception {
        settings = settings(600, 30, 3, 600);
        inOneSecond(() -> {
            for (String user : List.of("a", "b")) {
                Time.setOffset(0);
                sent(request(user).send("t"));
                Time.setOffset(30);
                sent(request(user).send("t"));
                Time.setOffset(90);
                sent(request(user).send("t"));
            }
            // the third send waits 90 s, until 180; a quarter hour of quiet after that, at 1080, the count is forgotten
            Time.setOffset(1075);
            sent(request("a").send("t"));
            assertThat(request("a").secondsToWait()).as("the fourth send: 4 x 30 s").isEqualTo(120);
            Time.setOffset(1085);
            sent(request("b").send("t"));
            assertThat(request("b").secondsToWait()).as("forgotten: a first send again").isEqualTo(30);
        });
    }

    // --- Sends: the hourly caps ---

    @Test
    void theCapPerUserRefusesUntilItsFirstSlotFreesAndTheRefusalIsCountedForTheAdmins() throws Exception {
        settings = settings(60, 30, 3, 600);
        caps = new SendCaps(2, 200, 10, 0);
        inOneSecond(() -> {
            sent(request("u").send("t"));
            Time.setOffset(100); // the code has expired: no wait, only the caps
            sent(request("u").send("t"));
            Time.setOffset(200);
            assertThat(refused(request("u").send("t"))).isEqualTo(new Refused(Refusal.USER_HOURLY_CAP, 3400));
            assertThat(refusals(SendRefusals.Cap.USER)).isEqualTo(1);
            assertThat(sent(request("v").send("t"))).as("another user").isNotNull();
            Time.setOffset(3600);
            sent(request("u").send("t"));
        });
    }

    @Test
    void theCapPerDestinationIsSharedByUsersAndARefusedSendGivesBackTheUsersSlot() {
        caps = new SendCaps(1, 200, 2, 0);
        String shared = "+14155550100";
        sent(text(store, "a", shared, "10.0.0.1", false).send("t"));
        sent(text(store, "b", shared, "10.0.0.2", false).send("t"));
        Refused third = refused(text(store, "c", shared, "10.0.0.3", false).send("t"));
        assertThat(third.refusal()).isEqualTo(Refusal.DESTINATION_HOURLY_CAP);
        assertThat(third.waitSeconds()).isBetween(3599, 3600);
        assertThat(refusals(SendRefusals.Cap.DESTINATION)).isEqualTo(1);
        assertThat(sent(text(store, "c", "+14155550199", "10.0.0.3", false).send("t")))
                .as("c's one send an hour was given back: c's own number still gets its code").isNotNull();
    }

    @Test
    void theCapPerAddressCountsTextsFromUntrustedSourcesOnly() {
        caps = new SendCaps(10, 2, 10, 0);
        sent(text(store, "a", "+14155550101", "10.0.0.7", false).send("t"));
        sent(text(store, "b", "+14155550102", "10.0.0.7", false).send("t"));
        assertThat(refused(text(store, "c", "+14155550103", "10.0.0.7", false).send("t")).refusal())
                .isEqualTo(Refusal.ADDRESS_HOURLY_CAP);
        assertThat(refusals(SendRefusals.Cap.ADDRESS_TEXTS)).isEqualTo(1);
        assertThat(sent(text(store, "c", "+14155550103", "10.0.0.7", true).send("t"))).as("a trusted source").isNotNull();
        for (int u = 0; u < 5; u++) {
            assertThat(sent(new CodeExchange(store, "realm", "e" + u, "email", CodePurpose.LOGIN, "e" + u + "@example.test",
                    "10.0.0.7", false, settings, caps).send("t"))).as("emails, with no cap of their own per address").isNotNull();
        }
        caps = new SendCaps(10, 2, 10, 1);
        sent(new CodeExchange(store, "realm", "f1", "email", CodePurpose.LOGIN, "f1@example.test", "10.0.0.8", false, settings, caps)
                .send("t"));
        assertThat(refused(new CodeExchange(store, "realm", "f2", "email", CodePurpose.LOGIN, "f2@example.test", "10.0.0.8", false,
                settings, caps).send("t")).refusal()).as("emails, once the operator caps them").isEqualTo(Refusal.ADDRESS_HOURLY_CAP);
        assertThat(refusals(SendRefusals.Cap.ADDRESS_EMAILS)).isEqualTo(1);
    }

    // --- Wrong codes ---

    @Test
    void wrongCodesCountDownAndTheOneThatReachesTheCapLocksForLockoutSeconds() throws Exception {
        settings = settings(600, 30, 3, 120);
        inOneSecond(() -> {
            String code = sent(request("u").send("t")).code();
            String wrong = other(code);
            assertThat(request("u").check(wrong)).isEqualTo(new Check(Verdict.WRONG, 2, CodeStore.Result.WRONG));
            assertThat(request("u").check(wrong)).isEqualTo(new Check(Verdict.WRONG, 1, CodeStore.Result.WRONG));
            assertThat(request("u").check(wrong)).isEqualTo(new Check(Verdict.LOCKED_NOW, 0, CodeStore.Result.WRONG));
            CodeExchange locked = request("u");
            assertThat(locked.locked()).isTrue();
            assertThat(locked.lockMinutesLeft()).isEqualTo(2);
            // a locked user's entry is not checked: even the right code is not spent (and the code factor sends nothing
            // to a user for whom locked() is true)
            assertThat(locked.check(code)).isEqualTo(new Check(Verdict.LOCKED, 0, null));
            assertThat(request("other").locked()).as("per user").isFalse();
            Time.setOffset(119);
            assertThat(request("u").locked()).isTrue();
            Time.setOffset(121);
            assertThat(request("u").locked()).isFalse();
            assertThat(request("u").check(code)).as("the code was never checked while locked")
                    .isEqualTo(new Check(Verdict.ACCEPTED, 0, CodeStore.Result.ACCEPTED));
        });
    }

    @Test
    void wrongAppCodesCountTogetherWithCodesSentAndLockThemToo() {
        String code = sent(request("u").send("t")).code();
        SecondFactorLock app = new SecondFactorLock(store, "realm", "u"); // as the authenticator app's factor counts
        app.wrong(app.claim(settings), settings);
        assertThat(request("u").check(other(code))).isEqualTo(new Check(Verdict.WRONG, 1, CodeStore.Result.WRONG));
        app.wrong(app.claim(settings), settings);
        assertThat(request("u").locked()).isTrue();
        assertThat(request("u").check(code).verdict()).isEqualTo(Verdict.LOCKED);
    }

    @Test
    void entriesThatAreNoGuessAtTheLiveCodeDoNotCount() throws Exception {
        inOneSecond(() -> {
            String first = sent(request("u").send("t")).code();
            Time.setOffset(30);
            String second = sent(request("u").send("t")).code();
            if (first.equals(second)) {
                return; // one in a million: the same digits prove nothing here
            }
            for (int i = 0; i < 5; i++) {
                assertThat(request("u").check(first)).isEqualTo(new Check(Verdict.SUPERSEDED, 0, CodeStore.Result.SUPERSEDED));
            }
            assertThat(request("u").check(other(first, second))).as("nothing counted so far")
                    .isEqualTo(new Check(Verdict.WRONG, 2, CodeStore.Result.WRONG));
            Time.setOffset(30 + 301);
            for (int i = 0; i < 5; i++) {
                // an expired code's entry has gone with it: to the store there is no code
                assertThat(request("u").check(second)).isEqualTo(new Check(Verdict.EXPIRED, 0, CodeStore.Result.NONE_PENDING));
            }
            for (int i = 0; i < 5; i++) {
                assertThat(request("nobody").check("123456")).isEqualTo(new Check(Verdict.EXPIRED, 0, CodeStore.Result.NONE_PENDING));
            }
            String third = sent(request("u").send("t")).code();
            assertThat(request("u").check(other(third))).as("only the one wrong entry counted")
                    .isEqualTo(new Check(Verdict.WRONG, 1, CodeStore.Result.WRONG));
            assertThat(new SecondFactorLock(store, "realm", "nobody").claim(settings).triesLeftIfWrong())
                    .as("nobody's entries did not count either").isEqualTo(2);
        });
    }

    @Test
    void aSpentCodeEnteredAgainDoesNotCount() {
        String code = sent(request("u").send("t")).code();
        assertThat(request("u").check(code).verdict()).isEqualTo(Verdict.ACCEPTED);
        assertThat(request("u").check(other(code))).isEqualTo(new Check(Verdict.WRONG, 2, CodeStore.Result.WRONG));
        for (int i = 0; i < 5; i++) {
            assertThat(request("u").check(code)).isEqualTo(new Check(Verdict.EXPIRED, 0, CodeStore.Result.EXPIRED));
        }
        assertThat(request("u").check(other(code))).isEqualTo(new Check(Verdict.WRONG, 1, CodeStore.Result.WRONG));
    }

    @Test
    void aCorrectCodeStartsTheCountAfresh() {
        String code = sent(request("u").send("t")).code();
        assertThat(request("u").check(other(code)).triesLeft()).isEqualTo(2);
        assertThat(request("u").check(other(code)).triesLeft()).isEqualTo(1);
        assertThat(request("u").check(code).verdict()).isEqualTo(Verdict.ACCEPTED);
        String next = sent(request("u").send("next-login")).code();
        assertThat(request("u").check(other(next))).isEqualTo(new Check(Verdict.WRONG, 2, CodeStore.Result.WRONG));
    }

    // --- Races: parallel requests, each committing its puts when it ends ---

    /** {@code n} requests at once, each through its own {@link RequestStore}, committed when it ends. */
    private <T> List<T> parallel(int n, java.util.function.BiFunction<SingleUseObjectProvider, Integer, T> work) throws Exception {
        return Races.run(n, i -> {
            RequestStore view = new RequestStore(store);
            T result = work.apply(view, i);
            view.commit();
            return result;
        });
    }

    private static long count(List<? extends CodeExchange.Send> sends, Class<?> kind) {
        return sends.stream().filter(kind::isInstance).count();
    }

    /**
     * Also the case of a request that looks while another one commits its send: it must see either the live code or the
     * claim of the send it lost, never a wait that is over (the wait is read before the live code for that).
     */
    @Test
    void parallelPagesOfOneUserSendExactlyOneCodeAndParallelResendsExactlyOneMore() throws Exception {
        for (int round = 0; round < 5; round++) {
            Time.setOffset(0);
            String user = "u" + round;
            List<CodeExchange.Send> first = parallel(16, (view, i) -> request(view, user).send("tab-" + i));
            assertThat(count(first, Sent.class)).as("round %d: first pages", round).isEqualTo(1);
            String slots = "twofactor:hourly:user:realm:" + user + ":email:";
            assertThat(IntStream.rangeClosed(1, 10).filter(n -> store.contains(slots + n)).count())
                    .as("round %d: the losers gave back their hourly slots", round).isEqualTo(1);
            Sent winner = (Sent) first.stream().filter(Sent.class::isInstance).findFirst().orElseThrow();
            assertThat(request(user).live().id()).isEqualTo(winner.live().id());

            Time.setOffset(31);
            List<CodeExchange.Send> resends = parallel(16, (view, i) -> request(view, user).send("tab-" + i));
            assertThat(count(resends, Sent.class)).as("round %d: resends", round).isEqualTo(1);
            // two sends recorded: 2 x 30 s from the second (less one if the real clock ticked since)
            assertThat(request(user).secondsToWait()).as("round %d: two sends recorded", round).isBetween(59, 60);
            assertThat(IntStream.rangeClosed(1, 10).filter(n -> store.contains(slots + n)).count()).isEqualTo(2);
        }
    }

    @Test
    void parallelEntriesOfTheRightCodeAcceptExactlyOne() throws Exception {
        settings = settings(300, 30, 10, 600); // room for every entry: none is turned away by the count
        for (int round = 0; round < 5; round++) {
            String user = "u" + round;
            String code = sent(request(user).send("t")).code();
            List<Check> checks = parallel(8, (view, i) -> request(view, user).check(code));
            assertThat(checks.stream().filter(c -> c.verdict() == Verdict.ACCEPTED).count()).as("round %d", round).isEqualTo(1);
            assertThat(checks.stream().filter(c -> c.verdict() == Verdict.EXPIRED).count()).as("round %d: spent", round).isEqualTo(7);
            assertThat(request(user).locked()).isFalse();
        }
    }

    @Test
    void parallelWrongEntriesGetNoMoreChecksThanMaxCodeAttempts() throws Exception {
        for (int round = 0; round < 5; round++) {
            String user = "u" + round;
            String wrong = other(sent(request(user).send("t")).code());
            List<Check> checks = parallel(16, (view, i) -> request(view, user).check(wrong));
            long checked = checks.stream().filter(c -> c.checked() != null).count();
            assertThat(checked).as("round %d: checks", round).isLessThanOrEqualTo(3);
            assertThat(checks).extracting(Check::verdict).as("round %d", round)
                    .isSubsetOf(Verdict.WRONG, Verdict.LOCKED_NOW, Verdict.LOCKED);
            assertThat(checks.stream().filter(c -> c.verdict() == Verdict.LOCKED).count()).as("round %d: turned away unchecked", round)
                    .isEqualTo(16 - checked);
            assertThat(request(user).locked()).as("round %d: locked", round).isTrue();
        }
    }

    @Test
    void parallelSendsToADestinationSharedByUsersNeverPassItsCap() throws Exception {
        caps = new SendCaps(10, 200, 3, 0);
        for (int round = 0; round < 5; round++) {
            String number = "+141555504" + String.format("%02d", round);
            int r = round;
            List<CodeExchange.Send> sends = parallel(16, (view, i) -> text(view, "r" + r + "u" + i, number, "10.0.1." + i, false).send("t"));
            assertThat(count(sends, Sent.class)).as("round %d", round).isEqualTo(3);
            for (int i = 0; i < 16; i++) {
                if (sends.get(i) instanceof Refused refused) {
                    assertThat(refused.refusal()).isEqualTo(Refusal.DESTINATION_HOURLY_CAP);
                    assertThat(store.contains("twofactor:hourly:user:realm:r" + round + "u" + i + ":sms:1"))
                            .as("round %d: user %d's slot given back", round, i).isFalse();
                }
            }
        }
    }

    @Test
    void parallelTextsFromOneAddressNeverPassItsCap() throws Exception {
        caps = new SendCaps(10, 5, 10, 0);
        for (int round = 0; round < 5; round++) {
            int r = round;
            String address = "10.0.2." + round;
            List<CodeExchange.Send> sends = parallel(16, (view, i) ->
                    text(view, "r" + r + "u" + i, "+1415555" + String.format("%02d%02d", r, i), address, false).send("t"));
            assertThat(count(sends, Sent.class)).as("round %d", round).isEqualTo(5);
        }
    }
}
