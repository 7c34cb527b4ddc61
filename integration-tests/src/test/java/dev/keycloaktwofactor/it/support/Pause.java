package dev.keycloaktwofactor.it.support;

/**
 * A fixed wait, for the few tests whose subject is time itself (a resend wait, a code's expiry, a lock's end); an
 * interruption ends it early and is passed on.
 */
public final class Pause {

    private Pause() {
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void sleepSeconds(double seconds) {
        sleep((long) (seconds * 1000));
    }
}
