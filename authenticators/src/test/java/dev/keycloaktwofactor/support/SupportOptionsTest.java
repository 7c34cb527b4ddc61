package dev.keycloaktwofactor.support;

import dev.keycloaktwofactor.model.InvalidSettingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderFactory;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SupportOptionsTest {

    @Test
    void defaultsAreTheTwofactorSupportGroupCheckedEveryMinute() {
        assertThat(SupportOptions.DEFAULTS.group()).isEqualTo("twofactor-support");
        assertThat(SupportOptions.DEFAULTS.checkIntervalSeconds()).isEqualTo(60);
        assertThat(SupportOptions.DEFAULTS.asInfo()).containsEntry("support-group", "twofactor-support")
                .containsEntry("support-check-interval-seconds", "60");
        assertThat(SupportOptions.metadata()).extracting(p -> p.getName())
                .containsExactly("support-group", "support-check-interval-seconds");
    }

    @Test
    void theOptionsAreReadFromTheFactoryScopeWithTheDefaultsForWhatIsNotSet() {
        assertThat(SupportOptions.read(scope(Map.of()))).isEqualTo(SupportOptions.DEFAULTS);
        assertThat(SupportOptions.read(scope(Map.of("support-group", "/ops/support", "support-check-interval-seconds", "5"))))
                .isEqualTo(new SupportOptions("/ops/support", 5));
        assertThatThrownBy(() -> SupportOptions.read(scope(Map.of("support-check-interval-seconds", "0"))))
                .hasMessageContaining("support-check-interval-seconds");
    }

    @Test
    void theSessionFindsTheOptionsHeldByTheFactoryThatReadThemAndTheDefaultsWithoutOne() {
        SupportOptions held = new SupportOptions("ops", 5);
        ProviderFactory<?> other = factory(null);
        assertThat(SupportOptions.of(sessionFactory(other, factory(held)))).isEqualTo(held);
        assertThat(SupportOptions.of(session(sessionFactory(other, factory(held))))).isEqualTo(held);
        assertThat(SupportOptions.of(sessionFactory(other))).isEqualTo(SupportOptions.DEFAULTS);
    }

    @Test
    void aGroupNameIsATopLevelGroupAndAPathStaysAPath() {
        assertThat(new SupportOptions("ops", 5).groupPath()).isEqualTo("/ops");
        assertThat(new SupportOptions(" /staff/support ", 5).groupPath()).isEqualTo("/staff/support");
    }

    @Test
    void badOptionsStopTheStartNamingTheOption() {
        assertThatThrownBy(() -> new SupportOptions(" ", 60)).hasMessageContaining("support-group");
        assertThatThrownBy(() -> new SupportOptions("x", 0)).hasMessageContaining("support-check-interval-seconds");
        assertThatThrownBy(() -> new SupportOptions("x", 3601)).hasMessageContaining("support-check-interval-seconds");
    }

    @Test
    void minutesAreTakenOutOfTheBodyAndCheckedWithoutTouchingARealm() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode body = json.readTree("{\"supportAccessMinutes\": 240, \"supportAccessUntil\": \"x\", \"codeLength\": 8}");
        assertThat(SupportAccess.takeMinutes(body)).isEqualTo(240);
        assertThat(body.fieldNames()).toIterable().containsExactly("codeLength");
        assertThat(SupportAccess.takeMinutes(json.readTree("{\"codeLength\": 8}"))).isNull();
        assertThat(SupportAccess.takeMinutes(json.readTree("{\"supportAccessMinutes\": 0}"))).isZero();
        assertThat(SupportAccess.takeMinutes(json.readTree("{\"supportAccessMinutes\": 10080}"))).isEqualTo(10080);
        for (String bad : new String[]{"-1", "10081", "\"60\"", "1.5", "true", "null", "99999999999"}) {
            assertThatThrownBy(() -> SupportAccess.takeMinutes(json.readTree("{\"supportAccessMinutes\": " + bad + "}")))
                    .as(bad).isInstanceOf(InvalidSettingException.class)
                    .satisfies(e -> assertThat(((InvalidSettingException) e).field()).isEqualTo("supportAccessMinutes"));
        }
    }

    /** An authenticator factory; with options, one that holds them. */
    private static ProviderFactory<?> factory(SupportOptions held) {
        Class<?>[] types = held == null ? new Class<?>[]{ProviderFactory.class}
                : new Class<?>[]{ProviderFactory.class, SupportOptions.Source.class};
        return (ProviderFactory<?>) Proxy.newProxyInstance(SupportOptionsTest.class.getClassLoader(), types,
                (proxy, method, args) -> method.getName().equals("supportOptions") ? held : null);
    }

    private static KeycloakSessionFactory sessionFactory(ProviderFactory<?>... authenticators) {
        return (KeycloakSessionFactory) Proxy.newProxyInstance(SupportOptionsTest.class.getClassLoader(),
                new Class<?>[]{KeycloakSessionFactory.class}, (proxy, method, args) ->
                        method.getName().equals("getProviderFactoriesStream") ? Stream.of(authenticators) : null);
    }

    private static KeycloakSession session(KeycloakSessionFactory factory) {
        return (KeycloakSession) Proxy.newProxyInstance(SupportOptionsTest.class.getClassLoader(),
                new Class<?>[]{KeycloakSession.class}, (proxy, method, args) ->
                        method.getName().equals("getKeycloakSessionFactory") ? factory : null);
    }

    private static Config.Scope scope(Map<String, String> values) {
        return (Config.Scope) Proxy.newProxyInstance(SupportOptionsTest.class.getClassLoader(),
                new Class<?>[]{Config.Scope.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "get" -> values.getOrDefault((String) args[0], args.length > 1 ? (String) args[1] : null);
                    case "getInt" -> values.containsKey((String) args[0]) ? Integer.valueOf(values.get((String) args[0]))
                            : args.length > 1 ? args[1] : null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
