package dev.keycloaktwofactor.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TwoFactorSettingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static TwoFactorSettings merge(String body) throws Exception {
        return TwoFactorSettings.DEFAULTS.merge(JSON.readTree(body));
    }

    @Test
    void fieldsLeftOutKeepTheirValue() throws Exception {
        TwoFactorSettings s = merge("{\"method\":\"totp\"}");
        assertThat(s.method()).isEqualTo(TwoFactorMethod.TOTP);
        assertThat(s.codeLength()).isEqualTo(6);
        assertThat(s.resendCooldownSeconds()).isEqualTo(30);
    }

    @Test
    void readOnlyFieldsAreIgnoredSoAGetAnswerCanBeSentBack() throws Exception {
        TwoFactorSettings s = merge("{\"smsAvailable\":true,\"firstEnabledAt\":\"2020-01-01T00:00:00Z\"}");
        assertThat(s).isEqualTo(TwoFactorSettings.DEFAULTS);
    }

    @Test
    void allowlistEntriesAreTrimmedAndDeduplicated() throws Exception {
        TwoFactorSettings s = merge("{\"ipAllowlist\":[\" 10.0.0.0/8 \",\"10.0.0.0/8\",\"::1\"]}");
        assertThat(s.ipAllowlist()).containsExactly("10.0.0.0/8", "::1");
        assertThat(merge("{\"ipAllowlist\":null}").ipAllowlist()).isEqualTo(List.of());
    }

    @Test
    void theErrorNamesTheField() {
        assertThatThrownBy(() -> merge("{\"maxCodeAttempts\": 99}"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("1 to 10")
                .extracting(e -> ((InvalidSettingException) e).field()).isEqualTo("maxCodeAttempts");
        assertThatThrownBy(() -> merge("{\"lockoutSeconds\": 30}"))
                .hasMessageContaining("60 to 86400")
                .extracting(e -> ((InvalidSettingException) e).field()).isEqualTo("lockoutSeconds");
        assertThatThrownBy(() -> merge("{\"codeLength\": 1e1}"))
                .extracting(e -> ((InvalidSettingException) e).field()).isEqualTo("codeLength");
    }
}
