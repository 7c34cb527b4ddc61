package dev.keycloaktwofactor.support;

import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Server-wide options of technical support access, declared by the policy step's factory, e.g.
 * {@code --spi-authenticator--twofactor-authenticator--support-group=twofactor-support}; read once at start by that
 * factory, which holds them ({@link Source}); the rest of the server finds them through its session ({@link #of}).
 *
 * @param group               the master-realm group whose members are "support" (a name, or a path such as {@code /ops/support})
 * @param checkIntervalSeconds how often one node of the cluster looks for windows that have ended
 */
public record SupportOptions(String group, int checkIntervalSeconds) {

    public static final String GROUP = "support-group";
    public static final String CHECK_INTERVAL = "support-check-interval-seconds";

    public static final SupportOptions DEFAULTS = new SupportOptions("twofactor-support", 60);
    private static final int LONGEST_INTERVAL = 3600;

    public SupportOptions {
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("keycloak-twofactor: option " + GROUP + " must name a group of the master realm");
        }
        group = group.trim();
        if (checkIntervalSeconds < 1 || checkIntervalSeconds > LONGEST_INTERVAL) {
            throw new IllegalArgumentException("keycloak-twofactor: option " + CHECK_INTERVAL + " must be 1.." + LONGEST_INTERVAL
                    + ", not " + checkIntervalSeconds);
        }
    }

    /** The provider factory that read the options at start and holds them: the policy step's. */
    public interface Source {
        SupportOptions supportOptions();
    }

    /** The options this server started with; the defaults where no authenticator factory holds any. */
    public static SupportOptions of(KeycloakSessionFactory factory) {
        return factory.getProviderFactoriesStream(Authenticator.class)
                .filter(Source.class::isInstance).map(f -> ((Source) f).supportOptions())
                .findFirst().orElse(DEFAULTS);
    }

    public static SupportOptions of(KeycloakSession session) {
        return of(session.getKeycloakSessionFactory());
    }

    /** Reads the options; a bad value stops the server at start, naming the option. */
    public static SupportOptions read(Config.Scope config) {
        return new SupportOptions(config.get(GROUP, DEFAULTS.group()),
                config.getInt(CHECK_INTERVAL, DEFAULTS.checkIntervalSeconds()));
    }

    /** The group's path in the master realm: a bare name is a top-level group. */
    String groupPath() {
        return group.startsWith("/") ? group : "/" + group;
    }

    public Map<String, String> asInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put(GROUP, group);
        info.put(CHECK_INTERVAL, Integer.toString(checkIntervalSeconds));
        return info;
    }

    public static List<ProviderConfigProperty> metadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(GROUP).type(ProviderConfigProperty.STRING_TYPE).defaultValue(DEFAULTS.group())
                .helpText("Master-realm group whose members may read a realm while its admins allow technical support access.").add()
                .property().name(CHECK_INTERVAL).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(DEFAULTS.checkIntervalSeconds())
                .helpText("Seconds between the cluster-wide checks that end support access windows whose time is up.").add()
                .build();
    }
}
