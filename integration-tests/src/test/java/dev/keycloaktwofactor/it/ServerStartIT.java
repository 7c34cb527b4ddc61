package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.ExtraServerOptions;
import dev.keycloaktwofactor.it.support.KeycloakServer;
import dev.keycloaktwofactor.it.support.TwilioStub;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The JAR alone, copied into a stock distribution of each supported release, starts cleanly and shows its providers. */
class ServerStartIT {

    private final KeycloakServer kc = KeycloakServer.get();

    @Test
    @Tag("smoke")
    void serverInfoListsOurProviders() {
        AdminClient admin = AdminClient.master(kc);
        JsonNode info = admin.ok(admin.get(kc.baseUrl() + "/admin/serverinfo"));

        assertThat(info.at("/systemInfo/version").asText()).isEqualTo(KeycloakServer.VERSION);
        JsonNode providers = info.get("providers");
        // the SPI lists the provider the server runs with: here twilio (run-demo.sh runs with log)
        assertThat(providers.at("/twofactor-sms/providers/twilio").isObject())
                .as("SPI twofactor-sms with the twilio provider").isTrue();
        JsonNode twilio = providers.at("/twofactor-sms/providers/twilio/operationalInfo");
        assertThat(twilio.get("configured").asText()).isEqualTo("true");
        assertThat(twilio.get("api-base-url").asText()).isEqualTo(ExtraServerOptions.twilio().baseUrl());
        assertThat(twilio.get("auth-token").asText()).isEqualTo("(hidden)");
        assertThat(info.toString()).as("no secret in server info").doesNotContain(TwilioStub.AUTH_TOKEN);
        assertThat(providers.at("/authenticator/providers/twofactor-authenticator").isObject()).isTrue();
        JsonNode caps = providers.at("/authenticator/providers/twofactor-authenticator/operationalInfo");
        assertThat(caps.get("max-sends-per-address-per-hour").asText()).as("the suite's server option shows")
                .isEqualTo(String.valueOf(ExtraServerOptions.ADDRESS_CAP));
        assertThat(caps.get("max-sends-per-user-per-hour").asText()).isEqualTo("10");
        assertThat(caps.get("max-sends-per-destination-per-hour").asText()).isEqualTo("10");
        assertThat(caps.get("max-emails-per-address-per-hour").asText()).as("emails are not capped per address by default").isEqualTo("0");
        assertThat(providers.at("/authenticator/providers/twofactor-direct-grant").isObject()).isTrue();
        assertThat(providers.at("/admin-realm-restapi-extension/providers/twofactor").isObject()).isTrue();
    }

    @Test
    @Tag("smoke")
    void startupLogHasNoWarningOrErrorFromOurProviders() {
        List<String> lines = kc.logLines();
        int started = indexOfStarted(lines);
        assertThat(started).as("the log read is the server's own").isNotNegative();
        List<String> ours = lines.subList(0, started + 1).stream()
                .filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                .filter(line -> line.contains("twofactor") || line.contains("keycloaktwofactor"))
                // Keycloak's notice for EVERY extension of an internal SPI (authenticator, admin REST):
                // it names the SPI contract, not a fault of the provider.
                .filter(line -> !line.contains("KC-SERVICES0047"))
                .toList();
        assertThat(ours).isEmpty();
    }

    private static int indexOfStarted(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("Keycloak " + KeycloakServer.VERSION) && lines.get(i).contains("started")) {
                return i;
            }
        }
        return -1;
    }
}
