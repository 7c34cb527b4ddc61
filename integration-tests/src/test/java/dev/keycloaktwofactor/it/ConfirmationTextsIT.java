package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.ExtraServerOptions;
import dev.keycloaktwofactor.it.support.PhonePage;
import dev.keycloaktwofactor.it.support.TestRealm;
import dev.keycloaktwofactor.it.support.TwilioStub;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Texts sent to confirm a number can neither pump (many numbers from one account) nor block another user's codes. */
class ConfirmationTextsIT {

    private static final TwilioStub twilio = ExtraServerOptions.twilio();

    private static Browser.Page sendConfirmation(TestRealm r, String username, String number) {
        Browser b = r.browser();
        assertThat(r.signIn(b, username, username + "-pw").isRedirectToClient()).isTrue();
        Browser.Page enter = b.open(r.authUrl() + "&kc_action=twofactor-confirm-phone");
        assertThat(enter.doc().selectFirst(PhonePage.FIELD)).as(enter.toString()).isNotNull();
        return PhonePage.send(b, enter, number);
    }

    @Test
    void oneUserTextsAtMostThreeDifferentNumbersAnHour() throws Exception {
        TestRealm r = TestRealm.create("confirm-numbers");
        r.admin.ok(r.putSettings(r.admin, Map.of("smsActivated", true)));
        r.admin.ok(r.putSettings(r.admin, Map.of("resendCooldownSeconds", 1)));
        r.addUser("agent", "agent-pw");
        String[] numbers = {"+14155550171", "+14155550172", "+14155550173", "+14155550174"};
        for (int i = 0; i < 3; i++) {
            Thread.sleep(i * 1000L + 200); // the server's escalating wait between one user's texts
            int before = twilio.to(numbers[i]).size(); // the stub is the suite's: other tests may text these numbers
            sendConfirmation(r, "agent", numbers[i]);
            twilio.awaitTo(numbers[i], before, Duration.ofSeconds(10));
        }
        Thread.sleep(3200);
        int fourthBefore = twilio.to(numbers[3]).size();
        Browser.Page fourth = sendConfirmation(r, "agent", numbers[3]);
        assertThat(fourth.doc().text()).as(fourth.toString()).contains("at most 3 different numbers");
        Thread.sleep(500);
        assertThat(twilio.to(numbers[3])).as("no text to a fourth number").hasSize(fourthBefore);

        // a number already texted this hour may be texted again: not refused as a fourth number; its code from before
        // still works (one live code per number, so nothing new goes out), and "Send again" texts it anew
        int againBefore = twilio.to(numbers[0]).size();
        Browser b = r.browser();
        assertThat(r.signIn(b, "agent", "agent-pw").isRedirectToClient()).isTrue();
        Browser.Page enter = b.open(r.authUrl() + "&kc_action=twofactor-confirm-phone");
        Browser.Page again = PhonePage.send(b, enter, numbers[0]);
        assertThat(again.doc().text()).as(again.toString()).doesNotContain("at most 3 different numbers");
        assertThat(again.doc().selectFirst(CodePage.FIELD)).as("the live code of this number can be entered").isNotNull();
        Thread.sleep(1500); // the resend wait after the user's third text: 3 x 1 s since it went out
        b.submit(again, "form#kc-twofactor-code-form", Map.of("resend", "true"));
        twilio.awaitTo(numbers[0], againBefore, Duration.ofSeconds(10));
    }

    @Test
    void confirmingSomeoneElsesNumberDoesNotUseUpTheirSignInCodes() {
        TestRealm r = TestRealm.create("confirm-budget");
        r.admin.ok(r.putSettings(r.admin, Map.of("smsActivated", true)));
        String victim = "+14155550181";
        String id = r.addUser("victim", "victim-pw");
        r.admin.ok(r.admin.put("/" + r.name + "/twofactor/users/" + id + "/phone", Map.of("phoneNumber", victim)));
        r.admin.ok(r.admin.post("/" + r.name + "/twofactor/users/" + id + "/phone/confirm", null));
        // ten accounts each ask once to confirm the victim's number: the per-destination cap's worth of texts
        for (int i = 0; i < 10; i++) {
            r.addUser("other" + i, "other" + i + "-pw");
            sendConfirmation(r, "other" + i, victim);
            twilio.awaitTo(victim, i, Duration.ofSeconds(10));
        }
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "sms")));
        int before = twilio.to(victim).size();
        Browser b = r.browser();
        Browser.Page page = r.signIn(b, "victim", "victim-pw");
        TwilioStub.Received code = twilio.awaitTo(victim, before, Duration.ofSeconds(10));
        assertThat(CodePage.submit(b, page, code.code()).isRedirectToClient()).isTrue();
    }
}
