package dev.keycloaktwofactor.code;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.Config;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SendCapsTest {

    @AfterEach
    void backToDefaults() {
        SendCaps.configure(scope(Map.of()));
    }

    @Test
    void withoutOptionsTheDefaultsHold() {
        SendCaps.configure(scope(Map.of()));
        assertThat(SendCaps.current()).isEqualTo(new SendCaps(10, 200, 10, 0));
    }

    @Test
    void theAddressCapCountsTextsAndEmailsOnlyWhenTheOperatorAsks() {
        SendCaps.configure(scope(Map.of()));
        assertThat(SendCaps.current().perAddress("sms")).isEqualTo(200);
        assertThat(SendCaps.current().perAddress("email")).as("0 = emails are not capped per address").isZero();
        SendCaps.configure(scope(Map.of(SendCaps.EMAILS_PER_ADDRESS, "50")));
        assertThat(SendCaps.current().perAddress("email")).isEqualTo(50);
        assertThat(SendCaps.current().perAddress("sms")).isEqualTo(200);
    }

    @Test
    void optionsReplaceTheDefaultsOneByOne() {
        SendCaps.configure(scope(Map.of(SendCaps.PER_ADDRESS, "100", SendCaps.PER_DESTINATION, "3")));
        assertThat(SendCaps.current()).isEqualTo(new SendCaps(10, 100, 3, 0));
        assertThat(SendCaps.current().asInfo()).containsEntry("max-sends-per-address-per-hour", "100");
    }

    @Test
    void aCapOfZeroOrBeyondReasonStopsTheStartNamingTheOption() {
        assertThatThrownBy(() -> SendCaps.configure(scope(Map.of(SendCaps.PER_USER, "0"))))
                .hasMessageContaining("max-sends-per-user-per-hour");
        assertThatThrownBy(() -> new SendCaps(10, 1_000_001, 10, 0)).hasMessageContaining("max-sends-per-address-per-hour");
        assertThatThrownBy(() -> new SendCaps(10, 200, 10, -1)).hasMessageContaining("max-emails-per-address-per-hour");
        assertThat(SendCaps.current()).as("a refused value changes nothing").isEqualTo(SendCaps.DEFAULTS);
    }

    @Test
    void theOptionsAreDeclaredForKeycloaksHelpAndServerInfo() {
        assertThat(SendCaps.metadata()).extracting(p -> p.getName())
                .containsExactly("max-sends-per-user-per-hour", "max-sends-per-address-per-hour", "max-sends-per-destination-per-hour",
                        "max-emails-per-address-per-hour");
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
