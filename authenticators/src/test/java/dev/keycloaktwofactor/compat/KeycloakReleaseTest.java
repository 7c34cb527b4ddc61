package dev.keycloaktwofactor.compat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeycloakReleaseTest {

    @Test
    void theTestedMinorsAndTheOneBetweenThemAreSupported() {
        assertThat(KeycloakRelease.isSupported("26.4.7")).isTrue();
        assertThat(KeycloakRelease.isSupported("26.4.0")).isTrue();
        assertThat(KeycloakRelease.isSupported("26.5.6")).isTrue();
        assertThat(KeycloakRelease.isSupported("26.6.1")).isTrue();
        assertThat(KeycloakRelease.isSupported("26.7.3")).isTrue();
        assertThat(KeycloakRelease.isSupported("26.7.10-SNAPSHOT")).isTrue();
        assertThat(KeycloakRelease.isSupported("26.4")).isTrue();
    }

    @Test
    void olderAndNewerReleasesAndNonsenseAreRefused() {
        assertThat(KeycloakRelease.isSupported("26.3.5")).isFalse();
        assertThat(KeycloakRelease.isSupported("26.8.0")).isFalse();
        assertThat(KeycloakRelease.isSupported("25.0.6")).isFalse();
        assertThat(KeycloakRelease.isSupported("27.0.0")).isFalse();
        assertThat(KeycloakRelease.isSupported("126.4.0")).isFalse();
        assertThat(KeycloakRelease.isSupported("999-SNAPSHOT")).isFalse();
        assertThat(KeycloakRelease.isSupported("Unknown")).isFalse();
        assertThat(KeycloakRelease.isSupported("")).isFalse();
        assertThat(KeycloakRelease.isSupported(null)).isFalse();
        assertThat(KeycloakRelease.isSupported("26.99999999999999999999.0")).isFalse();
    }

    @Test
    void theRefusalNamesTheRunningAndTheSupportedVersions() {
        assertThat(KeycloakRelease.refusal("27.0.1")).hasValueSatisfying(text -> assertThat(text)
                .contains("27.0.1").contains("26.4.x to 26.7.x"));
        assertThat(KeycloakRelease.refusal("26.7.3")).isEmpty();
    }
}
