package dev.keycloaktwofactor.metrics;

import dev.keycloaktwofactor.code.CodeChannel;
import dev.keycloaktwofactor.code.CodeDeliveryException;
import dev.keycloaktwofactor.code.CodePurpose;
import dev.keycloaktwofactor.code.CodeStep;
import dev.keycloaktwofactor.code.CodeStore;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TwoFactorMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void add() {
        Metrics.globalRegistry.add(registry);
    }

    @AfterEach
    void remove() {
        Metrics.globalRegistry.remove(registry);
        registry.close();
    }

    /** A channel that delivers, or fails when the destination says so. */
    private static CodeChannel channel(String id) {
        return new CodeChannel() {
            public String id() { return id; }
            public String destination(CodeStep step) { return "x"; }
            public String masked(String destination) { return destination; }
            public String missingDestinationMessage() { return "m"; }
            public void deliver(KeycloakSession session, RealmModel realm, UserModel user, String destination, String code,
                                CodePurpose purpose, TwoFactorSettings settings) throws CodeDeliveryException {
                if (destination.equals("fail")) {
                    throw new CodeDeliveryException("gateway down", null);
                }
            }
        };
    }

    private double count(String name, String... tags) {
        var search = registry.find(name).tags(tags);
        return search.counter() == null ? 0 : search.counter().count();
    }

    @Test
    void deliveriesAreCountedAndTimedPerChannelOnly() throws Exception {
        CodeChannel sms = TwoFactorMetrics.measured(channel("sms"));
        assertThat(TwoFactorMetrics.measured(sms)).as("not wrapped twice").isSameAs(sms);
        sms.deliver(null, null, null, "+14155550101", "123456", CodePurpose.LOGIN, null);
        assertThatThrownBy(() -> sms.deliver(null, null, null, "fail", "654321", CodePurpose.LOGIN, null))
                .isInstanceOf(CodeDeliveryException.class);

        assertThat(count("twofactor.codes.sent", "channel", "sms", "result", "sent")).isEqualTo(1);
        assertThat(count("twofactor.codes.sent", "channel", "sms", "result", "failed")).isEqualTo(1);
        assertThat(registry.find("twofactor.gateway").tags("channel", "sms").timer().count()).isEqualTo(2);
    }

    @Test
    void checksRefusalsAndLockoutsCarryFixedWordsOnly() {
        assertThat(TwoFactorMetrics.codeChecked("email", CodeStore.Result.WRONG)).isEqualTo(CodeStore.Result.WRONG);
        TwoFactorMetrics.codeChecked("email", CodeStore.Result.SUPERSEDED);
        TwoFactorMetrics.lockedOut();
        assertThat(TwoFactorMetrics.appCodeChecked(true)).isTrue();
        TwoFactorMetrics.sendRefused("DESTINATION_HOURLY_CAP");

        assertThat(count("twofactor.code.checks", "factor", "email", "result", "wrong")).isEqualTo(1);
        assertThat(count("twofactor.code.checks", "factor", "email", "result", "superseded")).isEqualTo(1);
        assertThat(count("twofactor.code.checks", "factor", "app", "result", "accepted")).isEqualTo(1);
        assertThat(count("twofactor.lockouts")).isEqualTo(1);
        assertThat(count("twofactor.send.refused", "reason", "destination_hourly_cap")).isEqualTo(1);

        Set<String> tagKeys = registry.getMeters().stream().map(Meter::getId)
                .flatMap(id -> id.getTags().stream()).map(t -> t.getKey()).collect(Collectors.toSet());
        assertThat(tagKeys).isSubsetOf("channel", "result", "factor", "reason");
    }
}
