package dev.keycloaktwofactor.code;

import dev.keycloaktwofactor.policy.TwoFactorSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The hourly caps of ResendSchedule against an in-memory single-use store: refused sends give their slots back. */
class ResendScheduleTest {

    private final InMemorySingleUseObjects store = new InMemorySingleUseObjects();
    private final TwoFactorSettings settings = TwoFactorSettings.DEFAULTS;

    @AfterEach
    void defaultCaps() {
        SendCaps.configure(SendCapsTest.scope(Map.of()));
    }

    private ResendSchedule schedule(String user, String destination, String address) {
        return new ResendSchedule(store, "realm", user, "sms", destination, address);
    }

    @Test
    void aSendRefusedByTheDestinationCapGivesBackTheUserAndAddressSlotsItClaimed() {
        SendCaps.configure(SendCapsTest.scope(Map.of(SendCaps.PER_USER, "2", SendCaps.PER_DESTINATION, "1")));
        assertThat(schedule("a", "+14155550100", "10.0.0.1").tryClaim(settings, true).allowed()).isTrue();
        // user b tries the number a already used up: refused by the destination cap, three times
        for (int i = 0; i < 3; i++) {
            assertThat(schedule("b", "+14155550100", "10.0.0.1").tryClaim(settings, true).refusal())
                    .isEqualTo(ResendSchedule.Refusal.DESTINATION_HOURLY_CAP);
        }
        // none of b's refused attempts spent b's own budget of 2: both sends to b's own number still go
        assertThat(schedule("b", "+14155550199", "10.0.0.1").tryClaim(settings, true).allowed()).isTrue();
        assertThat(store.contains("twofactor:hourly:user:realm:b:sms:2")).as("b's second slot is free").isFalse();
    }

    @Test
    void aSendRefusedByTheAddressCapGivesBackTheUserSlot() {
        SendCaps.configure(SendCapsTest.scope(Map.of(SendCaps.PER_USER, "1", SendCaps.PER_ADDRESS, "1")));
        assertThat(schedule("a", "+14155550100", "10.0.0.9").tryClaim(settings, true).allowed()).isTrue();
        assertThat(schedule("b", "+14155550101", "10.0.0.9").tryClaim(settings, true).refusal())
                .isEqualTo(ResendSchedule.Refusal.ADDRESS_HOURLY_CAP);
        assertThat(schedule("b", "+14155550101", "10.0.0.10").tryClaim(settings, true).allowed())
                .as("b's one slot was given back").isTrue();
    }

    @Test
    void aSendLostToAParallelRequestGivesBackItsSlots() {
        SendCaps.configure(SendCapsTest.scope(Map.of(SendCaps.PER_USER, "2")));
        ResendSchedule first = schedule("a", "+14155550100", "10.0.0.1");
        ResendSchedule second = schedule("a", "+14155550100", "10.0.0.1");
        assertThat(first.tryClaim(settings, true).allowed()).isTrue();
        // the same send claimed again before the first was recorded: lost, and its hourly slots come back
        assertThat(second.tryClaim(settings, true).refusal()).isEqualTo(ResendSchedule.Refusal.COOLDOWN);
        assertThat(store.contains("twofactor:hourly:user:realm:a:sms:2")).isFalse();
    }
}
