package dev.keycloaktwofactor.code;

import dev.keycloaktwofactor.model.TwoFactorSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.common.util.Time;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A send's state in the single-use store, and what a failed send puts back. */
class DeliveryStateTest {

    private final InMemorySingleUseObjects store = new InMemorySingleUseObjects();
    private final TwoFactorSettings settings = TwoFactorSettings.DEFAULTS;

    @AfterEach
    void clock() {
        Time.setOffset(0);
    }

    private CodeStore codes() {
        return new CodeStore(store, "realm", "user", "email", CodePurpose.LOGIN, "a@example.test");
    }

    private ResendSchedule schedule() {
        return new ResendSchedule(store, "realm", "user", "email", "a@example.test", "10.0.0.1", false, SendCaps.DEFAULTS);
    }

    /** One send, as a code page makes it: through the engine, for the login whose session root is "root-1". */
    private record Sent(String token, CodeStore.Issued issued) {
    }

    private Sent send() {
        CodeExchange.Send outcome = new CodeExchange(store, "realm", "user", "email", CodePurpose.LOGIN, "a@example.test",
                "10.0.0.1", false, settings, SendCaps.DEFAULTS).send("root-1");
        assertThat(outcome).isInstanceOf(CodeExchange.Sent.class);
        CodeExchange.Sent sent = (CodeExchange.Sent) outcome;
        return new Sent(sent.token(), new CodeStore.Issued(sent.code(), sent.live().id()));
    }

    @Test
    void aSendIsPendingUntilSettledAndOnlyItsOwnLoginMaySeeIt() {
        Sent sent = send();
        assertThat(DeliveryState.read(store, sent.token(), "root-1")).isEqualTo(DeliveryState.Status.PENDING);
        assertThat(DeliveryState.read(store, sent.token(), "root-2")).isNull();
        assertThat(DeliveryState.read(store, "no-such-token", "root-1")).isNull();
        assertThat(DeliveryState.settle(store, sent.token(), true)).isTrue();
        assertThat(DeliveryState.read(store, sent.token(), "root-1")).isEqualTo(DeliveryState.Status.SENT);
        assertThat(codes().verify(sent.issued().code())).isEqualTo(CodeStore.Result.ACCEPTED);
    }

    @Test
    void aFailedFirstSendLeavesNoCodeAndNoWait() {
        Sent sent = send();
        assertThat(schedule().secondsToWait(settings)).isPositive();
        assertThat(DeliveryState.settle(store, sent.token(), false)).isTrue();
        assertThat(DeliveryState.read(store, sent.token(), "root-1")).isEqualTo(DeliveryState.Status.FAILED);
        assertThat(codes().live()).isNull();
        assertThat(schedule().secondsToWait(settings)).isZero();
        assertThat(schedule().tryClaim(settings, () -> true).allowed()).as("Send again works at once").isTrue();
    }

    @Test
    void aFailedResendPutsBackThePreviousCode() {
        Sent first = send();
        DeliveryState.settle(store, first.token(), true);
        Time.setOffset(settings.resendCooldownSeconds() + 1);
        Sent second = send();
        assertThat(DeliveryState.settle(store, second.token(), false)).isTrue();
        assertThat(codes().live().id()).isEqualTo(first.issued().id());
        assertThat(codes().verify(first.issued().code())).as("the code the user has still works").isEqualTo(CodeStore.Result.ACCEPTED);
        assertThat(schedule().sends()).isEqualTo(1);
    }

    @Test
    void aSendStillPendingAfterAMinuteHasFailedAndIsUndoneOnceEvenIfItsThreadReportsLater() {
        Sent sent = send();
        Time.setOffset(DeliveryState.PENDING_LIMIT_SECONDS + 1);
        assertThat(DeliveryState.read(store, sent.token(), "root-1")).isEqualTo(DeliveryState.Status.FAILED);
        assertThat(codes().live()).isNull();
        assertThat(DeliveryState.settle(store, sent.token(), true)).as("settled already").isFalse();
        assertThat(DeliveryState.read(store, sent.token(), "root-1")).isEqualTo(DeliveryState.Status.FAILED);
    }

    @Test
    void aNewerCodeIsNotTakenBackByAnOlderFailedSend() {
        Sent first = send();
        Time.setOffset(settings.resendCooldownSeconds() + 1);
        Sent second = send();
        DeliveryState.settle(store, second.token(), true);
        DeliveryState.settle(store, first.token(), false);
        assertThat(codes().live().id()).isEqualTo(second.issued().id());
    }

    @Test
    void deliveryOptionsHaveDefaultsAndBadValuesStopTheStartNamingTheOption() {
        assertThat(DeliveryOptions.DEFAULTS.asInfo()).containsEntry("delivery-threads", "4").containsEntry("delivery-queue", "200")
                .containsEntry("delivery-shutdown-grace-seconds", "10");
        assertThat(DeliveryOptions.metadata()).extracting(p -> p.getName())
                .containsExactly("delivery-threads", "delivery-queue", "delivery-shutdown-grace-seconds");
        assertThatThrownBy(() -> new DeliveryOptions(0, 200, 10)).hasMessageContaining("delivery-threads");
        assertThatThrownBy(() -> new DeliveryOptions(4, 0, 10)).hasMessageContaining("delivery-queue");
        assertThatThrownBy(() -> new DeliveryOptions(4, 200, 301)).hasMessageContaining("delivery-shutdown-grace-seconds");
    }
}
