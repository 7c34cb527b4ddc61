package dev.keycloaktwofactor.code;

import dev.keycloaktwofactor.model.TwoFactorSettings;
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

class SecondFactorLockTest {

    private final InMemorySingleUseObjects store = new InMemorySingleUseObjects();
    private final TwoFactorSettings settings = new TwoFactorSettings(TwoFactorSettings.DEFAULTS.method(), 6, 300, 30, 5,
            3, 600, true, List.of(), false, null);

    private SecondFactorLock lock(String user) {
        return new SecondFactorLock(store, "realm", user);
    }

    @AfterEach
    void clock() {
        Time.setOffset(0);
    }

    /** One wrong entry, as a code check does it: claim, then report. */
    private boolean wrongEntry(SecondFactorLock lock) {
        SecondFactorLock.Attempt attempt = lock.claim(settings);
        return !attempt.locked() && lock.wrong(attempt, settings);
    }

    @Test
    void theEntryThatReachesTheCapLocksForLockoutSeconds() {
        SecondFactorLock lock = lock("u");
        assertThat(wrongEntry(lock)).isFalse();
        assertThat(wrongEntry(lock)).isFalse();
        assertThat(lock.isLocked()).isFalse();
        assertThat(wrongEntry(lock)).as("the 3rd of 3").isTrue();
        assertThat(lock.isLocked()).isTrue();
        assertThat(lock.lockedUntil()).isBetween((long) Time.currentTime() + 599, (long) Time.currentTime() + 600);
        assertThat(lock.minutesLeft()).isEqualTo(10);
        assertThat(lock.claim(settings).locked()).as("no entry is checked while locked").isTrue();

        Time.setOffset(601);
        assertThat(lock.isLocked()).isFalse();
        assertThat(lock.claim(settings).triesLeftIfWrong()).as("a full set of tries after the lock").isEqualTo(2);
    }

    @Test
    void triesLeftCountDownAndOtherUsersAreNotAffected() {
        SecondFactorLock lock = lock("u");
        SecondFactorLock.Attempt first = lock.claim(settings);
        assertThat(first.triesLeftIfWrong()).isEqualTo(2);
        lock.wrong(first, settings);
        assertThat(lock.claim(settings).triesLeftIfWrong()).isEqualTo(1);
        assertThat(lock("other").claim(settings).triesLeftIfWrong()).isEqualTo(2);
    }

    @Test
    void aCorrectCodeBeforeTheCapStartsTheCountAfresh() {
        SecondFactorLock lock = lock("u");
        wrongEntry(lock);
        wrongEntry(lock);
        lock.claim(settings);
        lock.reset();
        assertThat(wrongEntry(lock)).isFalse();
        assertThat(wrongEntry(lock)).isFalse();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void entriesThatAreNoGuessDoNotCount() {
        SecondFactorLock lock = lock("u");
        for (int i = 0; i < 10; i++) {
            lock.release(lock.claim(settings));
        }
        assertThat(lock.claim(settings).triesLeftIfWrong()).isEqualTo(2);
    }

    @Test
    void anAdminLiftsTheLock() {
        SecondFactorLock lock = lock("u");
        for (int i = 0; i < 3; i++) {
            wrongEntry(lock);
        }
        assertThat(lock.isLocked()).isTrue();
        lock.lift();
        assertThat(lock.isLocked()).isFalse();
        assertThat(lock.lockedUntil()).isNull();
        assertThat(lock.claim(settings).locked()).isFalse();
    }

    @Test
    void parallelEntriesGetNoMoreChecksThanTheCap() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Callable<Boolean>> guesses = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                guesses.add(() -> {
                    SecondFactorLock lock = lock("u");
                    SecondFactorLock.Attempt attempt = lock.claim(settings);
                    if (attempt.locked()) {
                        return false;
                    }
                    lock.wrong(attempt, settings);
                    return true;
                });
            }
            int checked = 0;
            for (Future<Boolean> f : pool.invokeAll(guesses)) {
                checked += f.get() ? 1 : 0;
            }
            assertThat(checked).isEqualTo(3);
            assertThat(lock("u").isLocked()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }
}
