package dev.keycloaktwofactor.compat;

import org.keycloak.common.Version;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which Keycloak releases this JAR runs on. It is compiled against the oldest supported API and tested on 26.4, 26.5
 * and 26.7; anything else would start and then fail on the first missing method, so it is refused with one clear
 * message instead (README, "Compatibility").
 */
public final class KeycloakRelease {

    /** Oldest and newest supported minor of major 26 (26.6 is in between, built from the same API). */
    static final int MAJOR = 26;
    static final int OLDEST_MINOR = 4;
    static final int NEWEST_MINOR = 7;
    public static final String SUPPORTED = "26.4.x to 26.7.x";

    /**
     * Test hook only: a JVM system property that stands in for the running version, so that the refusal can be shown
     * on a real server without a distribution outside the range.
     */
    public static final String PRETEND_PROPERTY = "keycloak-twofactor.pretend-keycloak-version";

    private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d+)\\.(\\d+)(?:[.\\-].*)?$");

    private KeycloakRelease() {
    }

    /** The version of the Keycloak this JAR runs in (or the test hook's stand-in). */
    public static String running() {
        String pretend = System.getProperty(PRETEND_PROPERTY);
        return pretend != null && !pretend.isBlank() ? pretend.trim() : Version.VERSION;
    }

    /** Why this JAR must not run on {@link #running()}, or empty when it is supported. */
    public static Optional<String> refusal() {
        return refusal(running());
    }

    static Optional<String> refusal(String version) {
        if (isSupported(version)) {
            return Optional.empty();
        }
        return Optional.of("keycloak-twofactor supports Keycloak " + SUPPORTED + "; this server runs Keycloak " + version
                + ". Two-factor settings are not served and no login flow is changed on this version.");
    }

    static boolean isSupported(String version) {
        if (version == null) {
            return false;
        }
        Matcher m = MAJOR_MINOR.matcher(version.trim());
        if (!m.matches()) {
            return false;
        }
        try {
            int major = Integer.parseInt(m.group(1));
            int minor = Integer.parseInt(m.group(2));
            return major == MAJOR && minor >= OLDEST_MINOR && minor <= NEWEST_MINOR;
        } catch (NumberFormatException tooLong) {
            return false;
        }
    }
}
