package dev.keycloaktwofactor.code;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderFactory;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server's hourly caps: read once at start, held by the policy step's factory, found through the session. */
class SendCapsTest {

    @Test
    void withoutOptionsTheDefaultsHold() {
        assertThat(SendCaps.read(scope(Map.of()))).isEqualTo(new SendCaps(10, 200, 10, 0)).isEqualTo(SendCaps.DEFAULTS);
    }

    @Test
    void theAddressCapCountsTextsAndEmailsOnlyWhenTheOperatorAsks() {
        SendCaps defaults = SendCaps.read(scope(Map.of()));
        assertThat(defaults.perAddress("sms")).isEqualTo(200);
        assertThat(defaults.perAddress("email")).as("0 = emails are not capped per address").isZero();
        SendCaps emails = SendCaps.read(scope(Map.of(SendCaps.EMAILS_PER_ADDRESS, "50")));
        assertThat(emails.perAddress("email")).isEqualTo(50);
        assertThat(emails.perAddress("sms")).isEqualTo(200);
    }

    @Test
    void optionsReplaceTheDefaultsOneByOne() {
        SendCaps caps = SendCaps.read(scope(Map.of(SendCaps.PER_ADDRESS, "100", SendCaps.PER_DESTINATION, "3")));
        assertThat(caps).isEqualTo(new SendCaps(10, 100, 3, 0));
        assertThat(caps.asInfo()).containsEntry("max-sends-per-address-per-hour", "100");
    }

    @Test
    void aCapOfZeroOrBeyondReasonStopsTheStartNamingTheOption() {
        assertThatThrownBy(() -> SendCaps.read(scope(Map.of(SendCaps.PER_USER, "0"))))
                .hasMessageContaining("max-sends-per-user-per-hour");
        assertThatThrownBy(() -> new SendCaps(10, 1_000_001, 10, 0)).hasMessageContaining("max-sends-per-address-per-hour");
        assertThatThrownBy(() -> new SendCaps(10, 200, 10, -1)).hasMessageContaining("max-emails-per-address-per-hour");
    }

    @Test
    void theOptionsAreDeclaredForKeycloaksHelpAndServerInfo() {
        assertThat(SendCaps.metadata()).extracting(p -> p.getName())
                .containsExactly("max-sends-per-user-per-hour", "max-sends-per-address-per-hour", "max-sends-per-destination-per-hour",
                        "max-emails-per-address-per-hour");
    }

    @Test
    void theCapsInForceAreThoseThePolicyStepsFactoryHolds() {
        SendCaps configured = new SendCaps(4, 50, 2, 7);
        List<Object> asked = new ArrayList<>();
        assertThat(SendCaps.of(session(asked, source(configured)))).isEqualTo(configured);
        assertThat(asked).as("looked up by the policy step's provider id").containsExactly(Authenticator.class, "twofactor-authenticator");
    }

    @Test
    void withoutThePolicyStepTheDefaultsHold() {
        assertThat(SendCaps.of(session(new ArrayList<>(), null))).isEqualTo(SendCaps.DEFAULTS);
        Object notASource = Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ProviderFactory.class},
                (proxy, method, args) -> null);
        assertThat(SendCaps.of(session(new ArrayList<>(), notASource))).isEqualTo(SendCaps.DEFAULTS);
    }

    /** A provider factory that holds {@code caps}, as the policy step's does. */
    private static Object source(SendCaps caps) {
        return Proxy.newProxyInstance(SendCapsTest.class.getClassLoader(), new Class<?>[] {ProviderFactory.class, SendCaps.Source.class},
                (proxy, method, args) -> method.getName().equals("sendCaps") ? caps : null);
    }

    /** A session whose factory answers every provider-factory lookup with {@code factory}, noting what was asked. */
    private static KeycloakSession session(List<Object> asked, Object factory) {
        KeycloakSessionFactory sessionFactory = (KeycloakSessionFactory) Proxy.newProxyInstance(SendCapsTest.class.getClassLoader(),
                new Class<?>[] {KeycloakSessionFactory.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getProviderFactory")) {
                        asked.addAll(List.of(args));
                        return factory;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return (KeycloakSession) Proxy.newProxyInstance(SendCapsTest.class.getClassLoader(), new Class<?>[] {KeycloakSession.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getKeycloakSessionFactory")) {
                        return sessionFactory;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    // Confirmation numbers: the different numbers one user may be texted confirmation codes to in any hour.

    private final InMemorySingleUseObjects store = new InMemorySingleUseObjects();

    @AfterEach
    void clock() {
        Time.setOffset(0);
    }

    private boolean confirm(String user, String number) {
        return SendCaps.claimConfirmationNumber(store, "realm", user, number);
    }

    /** A claim in a request of its own, as parallel requests see the store (no puts are involved: all are immediate). */
    private boolean confirmInParallel(String user, String number) {
        return SendCaps.claimConfirmationNumber(new RequestStore(store), "realm", user, number);
    }

    @Test
    void threeDifferentNumbersAnHourAndTheSameNumberAgainIsNoNewOne() {
        assertThat(confirm("u", "+14155550101")).isTrue();
        assertThat(confirm("u", "+14155550102")).isTrue();
        assertThat(confirm("u", "+14155550101")).as("the same number again").isTrue();
        assertThat(confirm("u", "+14155550103")).isTrue();
        assertThat(confirm("u", "+14155550103")).as("the third number again").isTrue();
        assertThat(confirm("u", "+14155550104")).as("a fourth number").isFalse();
        assertThat(confirm("v", "+14155550104")).as("another user has numbers of their own").isTrue();
        Time.setOffset(3601);
        assertThat(confirm("u", "+14155550104")).as("an hour later").isTrue();
    }

    @Test
    void parallelClaimsOfManyNumbersNeverGetMoreThanThree() throws Exception {
        for (int round = 0; round < 5; round++) {
            String user = "u" + round;
            List<Boolean> granted = Races.run(16, i -> confirmInParallel(user, "+141555502" + String.format("%02d", i)));
            assertThat(granted.stream().filter(g -> g).count()).as("round %d", round).isEqualTo(SendCaps.CONFIRM_NUMBERS_PER_HOUR);
        }
    }

    @Test
    void parallelClaimsOfOneNumberEndWithOneSlotTaken() throws Exception {
        for (int round = 0; round < 5; round++) {
            String user = "u" + round;
            List<Boolean> granted = Races.run(16, i -> confirmInParallel(user, "+14155550300"));
            // A claim that finds the slots taken by parallel claims of the same number, before one of them marked the
            // number, is refused (seen with 16 at once); the ones that lost the marker give their slot back.
            assertThat(granted).as("round %d", round).contains(true);
            assertThat(confirm(user, "+14155550300")).as("the number, once marked, again").isTrue();
            assertThat(confirm(user, "+14155550301")).isTrue();
            assertThat(confirm(user, "+14155550302")).as("two more numbers: the one number kept one slot").isTrue();
            assertThat(confirm(user, "+14155550303")).isFalse();
        }
    }

    static Config.Scope scope(Map<String, String> values) {
        return new Config.Scope() {
            public String get(String key) { return values.get(key); }
            public String get(String key, String defaultValue) { return values.getOrDefault(key, defaultValue); }
            public String[] getArray(String key) { return values.containsKey(key) ? values.get(key).split(",") : null; }
            public Integer getInt(String key) { return values.containsKey(key) ? Integer.valueOf(values.get(key)) : null; }
            public Integer getInt(String key, Integer defaultValue) { return values.containsKey(key) ? Integer.valueOf(values.get(key)) : defaultValue; }
            public Long getLong(String key) { return values.containsKey(key) ? Long.valueOf(values.get(key)) : null; }
            public Long getLong(String key, Long defaultValue) { return values.containsKey(key) ? Long.valueOf(values.get(key)) : defaultValue; }
            public Boolean getBoolean(String key) { return values.containsKey(key) ? Boolean.valueOf(values.get(key)) : null; }
            public Boolean getBoolean(String key, Boolean defaultValue) { return values.containsKey(key) ? Boolean.valueOf(values.get(key)) : defaultValue; }
            public Config.Scope scope(String... scope) { return this; }
            public Set<String> getPropertyNames() { return values.keySet(); }
            public Config.Scope root() { return this; }
        };
    }
}
