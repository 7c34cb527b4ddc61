package dev.keycloaktwofactor.wiring;

import dev.keycloaktwofactor.code.SendCaps;
import org.junit.jupiter.api.Test;
import org.keycloak.Config;

import java.lang.reflect.Proxy;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The policy step's factory holds the server's send caps, where the code engine finds them ({@link SendCaps#of}). */
class TwoFactorAuthenticatorFactoryTest {

    /** Options as Keycloak hands them to {@code init}: the values given, the defaults for the rest. */
    private static Config.Scope options(Map<String, String> values) {
        return (Config.Scope) Proxy.newProxyInstance(TwoFactorAuthenticatorFactoryTest.class.getClassLoader(),
                new Class<?>[] {Config.Scope.class}, (proxy, method, args) -> {
                    String value = args != null && args.length > 0 ? values.get((String) args[0]) : null;
                    Object fallback = args != null && args.length > 1 ? args[1] : null;
                    return switch (method.getName()) {
                        case "get" -> value != null ? value : fallback;
                        case "getInt" -> value != null ? Integer.valueOf(value) : fallback;
                        case "getLong" -> value != null ? Long.valueOf(value) : fallback;
                        case "getBoolean" -> value != null ? Boolean.valueOf(value) : fallback;
                        default -> null;
                    };
                });
    }

    @Test
    void theEngineLooksTheFactoryUpByItsProviderId() {
        assertThat(SendCaps.DECLARED_BY).isEqualTo(TwoFactorAuthenticatorFactory.PROVIDER_ID);
        assertThat(new TwoFactorAuthenticatorFactory()).isInstanceOf(SendCaps.Source.class);
    }

    @Test
    void theFactoryHoldsTheCapsItReadAtStartAndShowsThemInServerInfo() {
        TwoFactorAuthenticatorFactory factory = new TwoFactorAuthenticatorFactory();
        assertThat(factory.sendCaps()).as("before start").isEqualTo(SendCaps.DEFAULTS);
        try {
            factory.init(options(Map.of(SendCaps.PER_USER, "4", SendCaps.EMAILS_PER_ADDRESS, "9")));
            assertThat(factory.sendCaps()).isEqualTo(new SendCaps(4, 200, 10, 9));
            assertThat(factory.getOperationalInfo()).containsEntry(SendCaps.PER_USER, "4").containsEntry(SendCaps.EMAILS_PER_ADDRESS, "9");
            assertThat(new TwoFactorAuthenticatorFactory().sendCaps()).as("held by the instance, not by the class")
                    .isEqualTo(SendCaps.DEFAULTS);
        } finally {
            factory.close();
        }
    }
}
