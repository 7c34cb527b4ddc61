package dev.keycloaktwofactor.support;

import dev.keycloaktwofactor.model.InvalidSettingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

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
}
