package dev.keycloaktwofactor.code;

import dev.keycloaktwofactor.model.TwoFactorSettings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The hourly caps of ResendSchedule against an in-memory single-use store: refused sends give their slots back. */
class ResendScheduleTest {

    private final InMemorySingleUseObjects store = new InMemorySingleUseObjects();
    private final TwoFactorSettings settings = TwoFactorSettings.DEFAULTS;

    /** The server's caps, handed to every schedule (as the policy step's factory hands them to the engine). */
    private SendCaps caps = SendCaps.DEFAULTS;

    private void caps(Map<String, String> options) {
        caps = SendCaps.read(SendCapsTest.scope(options));
    }

    private ResendSchedule schedule(String user, String destination, String address) {
        return schedule(user, "sms", destination, address, false);
    }

    private ResendSchedule schedule(String user, String channel, String destination, String address, boolean trusted) {
        return new ResendSchedule(store, "realm", user, channel, destination, address, trusted, caps);
    }

    @Test
    void aSendRefusedByTheDestinationCapGivesBackTheUserAndAddressSlotsItClaimed() {
        caps(Map.of(SendCaps.PER_USER, "2", SendCaps.PER_DESTINATION, "1"));
        assertThat(schedule("a", "+14155550100", "10.0.0.1").tryClaim(settings, () -> true).allowed()).isTrue();
        // user b tries the number a already used up: refused by the destination cap, three times
        for (int i = 0; i < 3; i++) {
            assertThat(schedule("b", "+14155550100", "10.0.0.1").tryClaim(settings, () -> true).refusal())
                    .isEqualTo(ResendSchedule.Refusal.DESTINATION_HOURLY_CAP);
        }
        // none of b's refused attempts spent b's own budget of 2: both sends to b's own number still go
        assertThat(schedule("b", "+14155550199", "10.0.0.1").tryClaim(settings, () -> true).allowed()).isTrue();
        assertThat(store.contains("twofactor:hourly:user:realm:b:sms:2")).as("b's second slot is free").isFalse();
    }

    @Test
    void aSendRefusedByTheAddressCapGivesBackTheUserSlot() {
        caps(Map.of(SendCaps.PER_USER, "1", SendCaps.PER_ADDRESS, "1"));
        assertThat(schedule("a", "+14155550100", "10.0.0.9").tryClaim(settings, () -> true).allowed()).isTrue();
        assertThat(schedule("b", "+14155550101", "10.0.0.9").tryClaim(settings, () -> true).refusal())
                .isEqualTo(ResendSchedule.Refusal.ADDRESS_HOURLY_CAP);
        assertThat(schedule("b", "+14155550101", "10.0.0.10").tryClaim(settings, () -> true).allowed())
                .as("b's one slot was given back").isTrue();
    }

    @Test
    void aSendLostToAParallelRequestGivesBackItsSlots() {
        caps(Map.of(SendCaps.PER_USER, "2"));
        ResendSchedule first = schedule("a", "+14155550100", "10.0.0.1");
        ResendSchedule second = schedule("a", "+14155550100", "10.0.0.1");
        assertThat(first.tryClaim(settings, () -> true).allowed()).isTrue();
        // the same send claimed again before the first was recorded: lost, and its hourly slots come back
        assertThat(second.tryClaim(settings, () -> true).refusal()).isEqualTo(ResendSchedule.Refusal.COOLDOWN);
        assertThat(store.contains("twofactor:hourly:user:realm:a:sms:2")).isFalse();
    }

    @Test
    void emailedCodesAreNotCappedPerAddressUnlessTheOperatorSetsACap() {
        caps(Map.of(SendCaps.PER_ADDRESS, "2"));
        for (int u = 0; u < 5; u++) {
            assertThat(schedule("user" + u, "email", "u" + u + "@example.test", "10.0.0.1", false)
                    .tryClaim(settings, () -> true).allowed()).as("email " + u).isTrue();
        }
        caps(Map.of(SendCaps.PER_ADDRESS, "2", SendCaps.EMAILS_PER_ADDRESS, "1"));
        assertThat(schedule("other", "email", "o@example.test", "10.0.0.2", false).tryClaim(settings, () -> true).allowed()).isTrue();
        assertThat(schedule("next", "email", "n@example.test", "10.0.0.2", false).tryClaim(settings, () -> true).refusal())
                .isEqualTo(ResendSchedule.Refusal.ADDRESS_HOURLY_CAP);
    }

    @Test
    void aTrustedSourceIsNotCountedPerAddressButItsUsersAndDestinationsAre() {
        caps(Map.of(SendCaps.PER_ADDRESS, "1", SendCaps.PER_USER, "2", SendCaps.PER_DESTINATION, "2"));
        for (int u = 0; u < 3; u++) {
            ResendSchedule s = schedule("u" + u, "sms", "+1415555010" + u, "10.0.0.1", true);
            ResendSchedule.Decision d = s.tryClaim(settings, () -> true);
            assertThat(d.allowed()).isTrue();
            s.recordSent(d, settings);
        }
        assertThat(schedule("u0", "sms", "+14155550100", "10.0.0.1", true).tryClaim(settings, () -> true).allowed())
                .as("u0's second code: within the user cap of 2").isTrue();
        assertThat(schedule("u0", "sms", "+14155550109", "10.0.0.1", true).tryClaim(settings, () -> true).refusal())
                .isEqualTo(ResendSchedule.Refusal.USER_HOURLY_CAP);
        assertThat(schedule("u9", "sms", "+14155550100", "10.0.0.1", true).tryClaim(settings, () -> true).refusal())
                .isEqualTo(ResendSchedule.Refusal.DESTINATION_HOURLY_CAP);
        // the same address, untrusted: one text, then the cap
        assertThat(schedule("v1", "+14155550201", "10.0.0.1").tryClaim(settings, () -> true).allowed()).isTrue();
        assertThat(schedule("v2", "+14155550202", "10.0.0.1").tryClaim(settings, () -> true).refusal())
                .isEqualTo(ResendSchedule.Refusal.ADDRESS_HOURLY_CAP);
    }

    @Test
    void aCapRefusalWaitsUntilItsFirstSlotFrees() {
        caps(Map.of(SendCaps.PER_ADDRESS, "2"));
        try {
            assertThat(schedule("a", "+14155550100", "10.0.0.5").tryClaim(settings, () -> true).allowed()).isTrue();
            org.keycloak.common.util.Time.setOffset(600);
            assertThat(schedule("b", "+14155550101", "10.0.0.5").tryClaim(settings, () -> true).allowed()).isTrue();
            org.keycloak.common.util.Time.setOffset(900);
            ResendSchedule.Decision refused = schedule("c", "+14155550102", "10.0.0.5").tryClaim(settings, () -> true);
            assertThat(refused.refusal()).isEqualTo(ResendSchedule.Refusal.ADDRESS_HOURLY_CAP);
            assertThat(refused.waitSeconds()).as("the first text's slot frees 3600 s after it, 900 s have passed").isEqualTo(2700);
        } finally {
            org.keycloak.common.util.Time.setOffset(0);
        }
    }
}
