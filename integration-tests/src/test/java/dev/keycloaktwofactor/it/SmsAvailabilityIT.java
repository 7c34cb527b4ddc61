package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.ExtraServerOptions;
import dev.keycloaktwofactor.it.support.HttpAnswer;
import dev.keycloaktwofactor.it.support.PhonePage;
import dev.keycloaktwofactor.it.support.TestRealm;
import dev.keycloaktwofactor.it.support.TwilioStub;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No text leaves the server for a realm where SMS is not available (the suite's server has a gateway, so "not
 * available" here means "not activated by a master-realm admin"), whatever page asks for it.
 */
class SmsAvailabilityIT {

    private static final TwilioStub twilio = ExtraServerOptions.twilio();
    private static final String UNAVAILABLE = "Text messages are not available in this realm";

    private static boolean confirmPhoneOffered(TestRealm r, String accessToken) {
        HttpAnswer answer = AdminClient.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        r.kc.baseUrl() + "/realms/" + r.name + "/account/credentials"))
                .header("Authorization", "Bearer " + accessToken).header("Accept", "application/json").GET().build());
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        for (JsonNode type : answer.json()) {
            if ("twofactor-confirm-phone".equals(type.path("createAction").asText())
                    || "twofactor-confirm-phone".equals(type.path("updateAction").asText())) {
                return true;
            }
        }
        return false;
    }

    @Test
    void inARealmWhereSmsWasNeverActivatedConfirmingAPhoneSendsNothing() {
        TestRealm r = TestRealm.create("sms-never");
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email", "resendCooldownSeconds", 1)));
        r.addUser("agent", "agent-pw");
        Browser b = r.browser();
        Browser.Page code = r.signIn(b, "agent", "agent-pw");
        Browser.Page signedIn = CodePage.submitEmailedCode(b, code, r, "agent");
        assertThat(signedIn.isRedirectToClient()).as(signedIn.toString()).isTrue();
        assertThat(confirmPhoneOffered(r, r.exchange(signedIn).get("access_token").asText()))
                .as("the account console offers no phone confirmation").isFalse();

        int before = twilio.settledCount();
        Browser.Page page = b.open(r.authUrl() + "&kc_action=twofactor-confirm-phone");
        assertThat(page.doc().text()).as(page.toString()).contains(UNAVAILABLE);
        assertThat(page.doc().selectFirst(PhonePage.FIELD)).isNull();
        assertThat(twilio.received()).hasSize(before);
    }

    @Test
    void pagesOpenedWhileSmsWasActivatedSendNothingOnceItIsNot() throws Exception {
        TestRealm r = TestRealm.create("sms-withdrawn");
        r.admin.ok(r.putSettings(r.admin, Map.of("smsActivated", true)));
        r.admin.ok(r.putSettings(r.admin, Map.of("resendCooldownSeconds", 1)));
        r.addUser("agent", "agent-pw");
        r.addUser("clerk", "clerk-pw");
        Browser b = r.browser();
        assertThat(r.signIn(b, "agent", "agent-pw").isRedirectToClient()).isTrue();
        Browser other = r.browser();
        assertThat(r.signIn(other, "clerk", "clerk-pw").isRedirectToClient()).isTrue();
        Browser.Page otherEnter = other.open(r.authUrl() + "&kc_action=twofactor-confirm-phone");

        // one tab has the number form, the next the code page with "Send again"
        Browser.Page enter = b.open(r.authUrl() + "&kc_action=twofactor-confirm-phone");
        assertThat(enter.doc().selectFirst(PhonePage.FIELD)).as(enter.toString()).isNotNull();
        String phone = "+14155550161";
        Browser.Page codePage = PhonePage.send(b, enter, phone);
        twilio.awaitTo(phone, 0, Duration.ofSeconds(10));
        int before = twilio.settledCount();

        r.admin.ok(r.putSettings(r.admin, Map.of("smsActivated", false)));
        Thread.sleep(1200);
        Browser.Page resent = CodePage.resend(b, codePage);
        assertThat(resent.doc().text()).as(resent.toString()).contains(UNAVAILABLE);
        Browser.Page send = PhonePage.send(other, otherEnter, "+14155550162");
        assertThat(send.doc().text()).as(send.toString()).contains(UNAVAILABLE);
        Browser.Page again = b.open(r.authUrl() + "&kc_action=twofactor-confirm-phone");
        assertThat(again.doc().text()).contains(UNAVAILABLE);
        Thread.sleep(500);
        assertThat(twilio.received()).as("nothing reached the gateway").hasSize(before);
    }
}
