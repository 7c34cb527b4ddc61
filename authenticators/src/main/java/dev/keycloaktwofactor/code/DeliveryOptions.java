package dev.keycloaktwofactor.code;

import org.keycloak.Config;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Server-wide options of code delivery off the request path ({@link CodeDelivery}), declared by the policy step's
 * factory, e.g. {@code --spi-authenticator--twofactor-authenticator--delivery-threads=4}; read once at start.
 *
 * @param threads              sends running at once on this node (each holds a connection to the mail server or gateway)
 * @param queue                sends waiting for a thread; beyond that a send runs in the request that asked for it
 * @param shutdownGraceSeconds how long a stopping node waits for queued and running sends before it gives up on them
 */
public record DeliveryOptions(int threads, int queue, int shutdownGraceSeconds) {

    public static final String THREADS = "delivery-threads";
    public static final String QUEUE = "delivery-queue";
    public static final String SHUTDOWN_GRACE = "delivery-shutdown-grace-seconds";

    public static final DeliveryOptions DEFAULTS = new DeliveryOptions(4, 200, 10);

    public DeliveryOptions {
        check(THREADS, threads, 1, 64);
        check(QUEUE, queue, 1, 10000);
        check(SHUTDOWN_GRACE, shutdownGraceSeconds, 0, 300);
    }

    private static void check(String option, int value, int least, int most) {
        if (value < least || value > most) {
            throw new IllegalArgumentException("keycloak-twofactor: option " + option + " must be " + least + ".." + most
                    + ", not " + value);
        }
    }

    /** Reads the options; a bad value stops the server at start, naming the option. */
    public static DeliveryOptions of(Config.Scope config) {
        return new DeliveryOptions(config.getInt(THREADS, DEFAULTS.threads()), config.getInt(QUEUE, DEFAULTS.queue()),
                config.getInt(SHUTDOWN_GRACE, DEFAULTS.shutdownGraceSeconds()));
    }

    public Map<String, String> asInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put(THREADS, Integer.toString(threads));
        info.put(QUEUE, Integer.toString(queue));
        info.put(SHUTDOWN_GRACE, Integer.toString(shutdownGraceSeconds));
        return info;
    }

    public static List<ProviderConfigProperty> metadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(THREADS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(DEFAULTS.threads())
                .helpText("Codes (email or SMS) handed to the mail server or SMS gateway at once, after the code page was answered (1..64).").add()
                .property().name(QUEUE).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(DEFAULTS.queue())
                .helpText("Codes waiting for a delivery thread (1..10000); when full, a code is sent within the login request instead.").add()
                .property().name(SHUTDOWN_GRACE).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(DEFAULTS.shutdownGraceSeconds())
                .helpText("Seconds a stopping server waits for codes still being sent (0..300); logins whose code was not sent by then show the failure.").add()
                .build();
    }
}
