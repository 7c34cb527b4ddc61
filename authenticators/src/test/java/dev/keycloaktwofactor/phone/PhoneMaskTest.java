package dev.keycloaktwofactor.phone;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PhoneMaskTest {

    @Test
    void showsTheLastFourDigitsOnly() {
        assertThat(PhoneMask.mask("+14155550100")).isEqualTo("•••• 0100").doesNotContain("415");
        assertThat(PhoneMask.mask("+442079460958")).isEqualTo("•••• 0958");
    }

    @Test
    void shortOrMissingNumbersRevealNothing() {
        assertThat(PhoneMask.mask("+12345")).isEqualTo("••••");
        assertThat(PhoneMask.mask(null)).isEqualTo("••••");
    }
}
