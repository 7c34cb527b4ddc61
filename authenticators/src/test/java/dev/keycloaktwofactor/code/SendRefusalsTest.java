package dev.keycloaktwofactor.code;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.common.util.Time;

import static org.assertj.core.api.Assertions.assertThat;

/** Refusal counts per realm and cap over the last hour, in minute buckets of the single-use store. */
class SendRefusalsTest {

    private final InMemorySingleUseObjects store = new InMemorySingleUseObjects();

    @AfterEach
    void clock() {
        Time.setOffset(0);
    }

    @Test
    void countsArePerRealmAndCapAndEndAfterAnHour() {
        for (int i = 0; i < 37; i++) {
            SendRefusals.count(store, "r1", SendRefusals.Cap.ADDRESS_TEXTS);
        }
        SendRefusals.count(store, "r1", SendRefusals.Cap.USER);
        SendRefusals.count(store, "r2", SendRefusals.Cap.ADDRESS_TEXTS);
        Time.setOffset(30 * 60);
        for (int i = 0; i < 5; i++) {
            SendRefusals.count(store, "r1", SendRefusals.Cap.ADDRESS_TEXTS);
        }
        assertThat(SendRefusals.lastHour(store, "r1")).containsEntry(SendRefusals.Cap.ADDRESS_TEXTS, 42)
                .containsEntry(SendRefusals.Cap.USER, 1).containsEntry(SendRefusals.Cap.DESTINATION, 0);
        assertThat(SendRefusals.lastHour(store, "r2")).containsEntry(SendRefusals.Cap.ADDRESS_TEXTS, 1);
        Time.setOffset(61 * 60 + 60);
        assertThat(SendRefusals.lastHour(store, "r1")).as("the first 37 are over an hour old")
                .containsEntry(SendRefusals.Cap.ADDRESS_TEXTS, 5).containsEntry(SendRefusals.Cap.USER, 0);
    }

    @Test
    void theTakenSlotsOfABucketAreFoundForAnyCount() {
        for (int n : new int[] {1, 2, 3, 7, 8, 9, 100, 1025}) {
            InMemorySingleUseObjects s = new InMemorySingleUseObjects();
            for (int i = 1; i <= n; i++) {
                s.putIfAbsent("b:" + i, 60);
            }
            assertThat(SendRefusals.taken(s, "b")).as("n=" + n).isEqualTo(n);
        }
        assertThat(SendRefusals.taken(new InMemorySingleUseObjects(), "b")).isZero();
    }
}
