package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.TestRealm;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A single sign-on session opened while two-factor was off carries no second factor: after it is turned on again,
 * its next use asks for it (nobody is logged out; they are asked), once.
 */
class OffPeriodSessionsIT {

    @Test
    void aSessionFromAnOffPeriodGivesTheSecondFactorAtItsNextUse() {
        TestRealm r = TestRealm.create("off-period");
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email", "resendCooldownSeconds", 1)));
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "none")));
        r.addUser("agent", "agent-pw");
        Browser b = r.browser();
        assertThat(r.signIn(b, "agent", "agent-pw").isRedirectToClient()).as("off: the password is enough").isTrue();

        // on again: not a first enablement, so nobody is logged out
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email")));
        Browser.Page sso = b.open(r.authUrl());
        assertThat(sso.isRedirectToClient()).as("the off-period session does not sign in on its own: " + sso).isFalse();
        assertThat(sso.doc().selectFirst(CodePage.FIELD)).as(sso.toString()).isNotNull();
        assertThat(sso.doc().selectFirst("form#kc-form-login")).as("asked, not logged out").isNull();
        Browser.Page done = CodePage.submitEmailedCode(b, sso, r, "agent");
        assertThat(done.isRedirectToClient()).as(done.toString()).isTrue();

        // once given, single sign-on works again
        assertThat(b.open(r.authUrl()).isRedirectToClient()).isTrue();
    }
}
