package dev.keycloaktwofactor.metrics;

import dev.keycloaktwofactor.code.CodeChannel;
import dev.keycloaktwofactor.code.CodeDeliveryException;
import dev.keycloaktwofactor.code.CodePurpose;
import dev.keycloaktwofactor.code.CodeStep;
import dev.keycloaktwofactor.code.CodeStore;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.Locale;

/**
 * The extension's meters, in Keycloak's own Micrometer registry ({@link Metrics#globalRegistry}), so that they appear
 * on the management interface's {@code /metrics} when Keycloak runs with {@code --metrics-enabled=true}:
 * <ul>
 *   <li>{@code twofactor_codes_sent_total{channel,result}}: channel email|sms, result sent|failed;</li>
 *   <li>{@code twofactor_code_checks_total{factor,result}}: factor email|sms|app, result accepted|wrong|superseded|
 *       expired|none_pending;</li>
 *   <li>{@code twofactor_send_refused_total{reason}}: cooldown|user_hourly_cap|address_hourly_cap|
 *       destination_hourly_cap|resend_limit|confirm_numbers_hourly_cap;</li>
 *   <li>{@code twofactor_lockouts_total}: users whose second factor was locked after too many wrong codes;</li>
 *   <li>{@code twofactor_gateway_seconds{channel}}: time spent handing a code to the mail server or SMS gateway.</li>
 * </ul>
 * Labels take only these fixed words: never a user, an address, a number, a realm or a secret. Meters are counted
 * per node (each node's /metrics shows its own share, as Keycloak's own meters do).
 */
public final class TwoFactorMetrics {

    private TwoFactorMetrics() {
    }

    /** {@code channel} whose deliveries are counted and timed; everything else passes through. */
    public static CodeChannel measured(CodeChannel channel) {
        return channel instanceof Measured ? channel : new Measured(channel);
    }

    /** Counts a check of a code entered for {@code factor} and returns {@code result} unchanged. */
    public static CodeStore.Result codeChecked(String factor, CodeStore.Result result) {
        codeChecked(factor, result.name());
        return result;
    }

    /** Counts a user whose second factor was just locked after {@code maxCodeAttempts} wrong entries. */
    public static void lockedOut() {
        Counter.builder("twofactor.lockouts")
                .description("Users whose second factor was locked after too many wrong codes")
                .register(Metrics.globalRegistry).increment();
    }

    /** Counts a check of an authenticator-app code: {@code valid} or wrong; returns {@code valid}. */
    public static boolean appCodeChecked(boolean valid) {
        codeChecked("app", valid ? "accepted" : "wrong");
        return valid;
    }

    /** Counts a send the server refused; {@code reason} is one of the fixed refusal names. */
    public static void sendRefused(String reason) {
        Counter.builder("twofactor.send.refused")
                .description("Code sends refused by the waits and caps")
                .tag("reason", reason.toLowerCase(Locale.ROOT))
                .register(Metrics.globalRegistry).increment();
    }

    private static void codeChecked(String factor, String result) {
        Counter.builder("twofactor.code.checks")
                .description("Second-factor codes checked")
                .tag("factor", factor)
                .tag("result", result.toLowerCase(Locale.ROOT))
                .register(Metrics.globalRegistry).increment();
    }

    private static void sent(String channel, String result, long nanos) {
        Counter.builder("twofactor.codes.sent")
                .description("Codes handed to the mail server or SMS gateway")
                .tag("channel", channel)
                .tag("result", result)
                .register(Metrics.globalRegistry).increment();
        Timer.builder("twofactor.gateway")
                .description("Time to hand a code to the mail server or SMS gateway")
                .tag("channel", channel)
                .register(Metrics.globalRegistry).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private static final class Measured implements CodeChannel {

        private final CodeChannel channel;

        Measured(CodeChannel channel) {
            this.channel = channel;
        }

        @Override
        public String id() {
            return channel.id();
        }

        @Override
        public String destination(CodeStep step) {
            return channel.destination(step);
        }

        @Override
        public String masked(String destination) {
            return channel.masked(destination);
        }

        @Override
        public String missingDestinationMessage() {
            return channel.missingDestinationMessage();
        }

        @Override
        public String missingDestinationTemplate() {
            return channel.missingDestinationTemplate();
        }

        @Override
        public void describeMissingDestination(CodeStep step, org.keycloak.forms.login.LoginFormsProvider page) {
            channel.describeMissingDestination(step, page);
        }

        @Override
        public void deliver(KeycloakSession session, RealmModel realm, UserModel user, String destination, String code,
                            CodePurpose purpose, TwoFactorSettings settings) throws CodeDeliveryException {
            long start = System.nanoTime();
            boolean ok = false;
            try {
                channel.deliver(session, realm, user, destination, code, purpose, settings);
                ok = true;
            } finally {
                sent(channel.id(), ok ? "sent" : "failed", System.nanoTime() - start);
            }
        }
    }
}
