package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.Json;
import dev.keycloaktwofactor.it.support.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The second factor runs before any other required action of the login, so that none of them (update profile, verify
 * profile, update email...) can change where the code goes before the code was checked, also for a client whose
 * browser flow is overridden (no policy step there: the required action is what asks) and after an admin raised
 * another action to the top.
 */
class SecondFactorFirstIT {

    @Test
    void theSecondFactorComesBeforeEveryOtherRequiredActionUnderAClientsBrowserFlowOverride() {
        TestRealm r = TestRealm.create("first");
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email", "resendCooldownSeconds", 1)));

        String stockBrowser = null;
        for (JsonNode flow : r.admin.ok(r.admin.get("/" + r.name + "/authentication/flows"))) {
            if ("browser".equals(flow.get("alias").asText())) {
                stockBrowser = flow.get("id").asText();
            }
        }
        assertThat(stockBrowser).isNotNull();
        ObjectNode client = (ObjectNode) r.admin.ok(r.admin.get("/" + r.name + "/clients?clientId=" + TestRealm.CLIENT_ID)).get(0);
        client.set("authenticationFlowBindingOverrides", Json.MAPPER.valueToTree(Map.of("browser", stockBrowser)));
        r.admin.ok(r.admin.put("/" + r.name + "/clients/" + client.get("id").asText(), client));

        String id = r.addUser("agent", "agent-pw");
        List<String> pending = new ArrayList<>(List.of("UPDATE_PROFILE", "VERIFY_PROFILE"));
        JsonNode registered = r.admin.ok(r.admin.get("/" + r.name + "/authentication/required-actions"));
        for (JsonNode a : registered) {
            if ("UPDATE_EMAIL".equals(a.get("alias").asText()) && a.get("enabled").asBoolean()) {
                pending.add("UPDATE_EMAIL");
            }
        }
        r.admin.ok(r.admin.put("/" + r.name + "/users/" + id, Map.of("requiredActions", pending)));
        // an admin moves "Update profile" up as far as it goes
        for (int i = 0; i < 12; i++) {
            r.admin.ok(r.admin.post("/" + r.name + "/authentication/required-actions/UPDATE_PROFILE/raise-priority", null));
        }

        Browser b = r.browser();
        Browser.Page first = r.signIn(b, "agent", "agent-pw");
        assertThat(first.doc().selectFirst(CodePage.FIELD)).as("the emailed code first: " + first).isNotNull();
        assertThat(first.doc().selectFirst("input[name=email]")).isNull();
        assertThat(first.doc().selectFirst("input[name=firstName]")).isNull();

        Browser.Page next = CodePage.submitEmailedCode(b, first, r, "agent");
        assertThat(next.doc().selectFirst(CodePage.FIELD)).as(next.toString()).isNull();
        assertThat(next.doc().selectFirst("input[name=firstName], input[name=email]")).as("then the profile: " + next).isNotNull();

        JsonNode order = r.admin.ok(r.admin.get("/" + r.name + "/authentication/required-actions"));
        assertThat(order.get(0).get("alias").asText()).isEqualTo("twofactor-policy");
    }
}
