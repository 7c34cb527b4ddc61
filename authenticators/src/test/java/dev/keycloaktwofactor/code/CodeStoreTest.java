package dev.keycloaktwofactor.code;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.common.util.Time;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-user live code against an in-memory stand-in for Keycloak's single-use store. */
class CodeStoreTest {

    private final InMemorySingleUseObjects store = new InMemorySingleUseObjects();

    private CodeStore codes(String user, CodePurpose purpose, String destination) {
        return new CodeStore(store, "realm", user, "email", purpose, destination);
    }

    private CodeStore login() {
        return codes("u", CodePurpose.LOGIN, "u@example.test");
    }

    private String send(CodeStore codes) {
        CodeStore.Issued issued = codes.issue(6);
        codes.save(issued, 300);
        return issued.code();
    }

    private static String wrong(String code) {
        return code.equals("000000") ? "111111" : "000000";
    }

    @AfterEach
    void clock() {
        Time.setOffset(0);
    }

    @Test
    void aCodeSentForOneLoginAttemptWorksInAnyOtherOfTheSameUserOnce() {
        String code = send(login());
        // a new attempt builds its own view of the store: the code is the user's, not the attempt's
        assertThat(login().live()).isNotNull();
        assertThat(login().verify(code)).isEqualTo(CodeStore.Result.ACCEPTED);
        assertThat(login().verify(code)).as("spent for every attempt").isEqualTo(CodeStore.Result.EXPIRED);
        assertThat(login().live()).as("a spent code is not live: the next attempt sends a new one").isNull();
    }

    @Test
    void theLiveCodeSaysWhenItWentOutAndUntilWhenItWorks() {
        long before = Time.currentTime();
        send(login());
        CodeStore.Live live = login().live();
        assertThat(live.sentAt()).isBetween(before, (long) Time.currentTime());
        assertThat(live.expiresAt()).isEqualTo(live.sentAt() + 300);
    }

    @Test
    void aCodeIsNothingForAnotherUserPurposeOrDestination() {
        String code = send(login());
        assertThat(codes("other", CodePurpose.LOGIN, "u@example.test").verify(code)).isEqualTo(CodeStore.Result.NONE_PENDING);
        assertThat(codes("u", CodePurpose.SETUP_APP, "u@example.test").verify(code)).isEqualTo(CodeStore.Result.NONE_PENDING);
        assertThat(codes("u", CodePurpose.LOGIN, "new@example.test").verify(code)).isEqualTo(CodeStore.Result.NONE_PENDING);
        assertThat(login().verify(code)).isEqualTo(CodeStore.Result.ACCEPTED);
    }

    @Test
    void aWrongCodeIsWrongAndTheRightOneStillWorks() {
        String code = send(login());
        assertThat(login().verify(wrong(code))).isEqualTo(CodeStore.Result.WRONG);
        assertThat(login().verify(code)).isEqualTo(CodeStore.Result.ACCEPTED);
    }

    @Test
    void aNewCodeReplacesTheLiveOneAndTheOldOneIsRecognisedAsOlder() {
        String first = send(login());
        String second = send(login());
        if (first.equals(second)) {
            return; // one in a million: the same digits prove nothing here
        }
        assertThat(login().verify(first)).isEqualTo(CodeStore.Result.SUPERSEDED);
        assertThat(login().verify(second)).isEqualTo(CodeStore.Result.ACCEPTED);
    }

    @Test
    void aCodeDiesAfterItsLifetime() {
        String code = send(login());
        Time.setOffset(301);
        assertThat(login().live()).isNull();
        assertThat(login().verify(code)).isNotEqualTo(CodeStore.Result.ACCEPTED);
    }

    @Test
    void nothingSentNothingPending() {
        assertThat(login().live()).isNull();
        assertThat(login().verify("123456")).isEqualTo(CodeStore.Result.NONE_PENDING);
    }

    @Test
    void onlyTheHashIsStored() {
        String code = send(login());
        assertThat(store.toString()).doesNotContain(code);
        assertThat(store.dump()).noneMatch(value -> value.contains(code)).noneMatch(value -> value.contains("u@example.test"));
    }

    @Test
    void parallelEntriesOfTheRightCodeGiveExactlyOneSuccess() throws Exception {
        String code = send(login());
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Callable<CodeStore.Result>> posts = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                posts.add(() -> login().verify(code));
            }
            int accepted = 0;
            for (Future<CodeStore.Result> f : pool.invokeAll(posts)) {
                accepted += f.get() == CodeStore.Result.ACCEPTED ? 1 : 0;
            }
            assertThat(accepted).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
