package dev.keycloaktwofactor.code;

import dev.keycloaktwofactor.compat.NewerApi;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.events.EventBuilder;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.BruteForceProtector;
import org.keycloak.sessions.AuthenticationSessionModel;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

/**
 * Where a code is asked for: a login step (authenticator) or an action a signed-in user started (required action).
 * The code engine talks to both through this.
 */
public interface CodeStep {

    KeycloakSession session();

    RealmModel realm();

    UserModel user();

    AuthenticationSessionModel authSession();

    LoginFormsProvider form();

    MultivaluedMap<String, String> formParams();

    String remoteAddr();

    EventBuilder event();

    void challenge(Response page);

    /** A wrong code: shown again, and reported to Keycloak's brute-force protection (category otp). */
    void wrongCode(Response page);

    static CodeStep of(AuthenticationFlowContext c) {
        return new CodeStep() {
            public KeycloakSession session() { return c.getSession(); }
            public RealmModel realm() { return c.getRealm(); }
            public UserModel user() { return c.getUser(); }
            public AuthenticationSessionModel authSession() { return c.getAuthenticationSession(); }
            public LoginFormsProvider form() { return c.form(); }
            public MultivaluedMap<String, String> formParams() { return c.getHttpRequest().getDecodedFormParameters(); }
            public String remoteAddr() { return c.getConnection().getRemoteAddr(); }
            public EventBuilder event() { return c.getEvent(); }
            public void challenge(Response page) { c.challenge(page); }
            public void wrongCode(Response page) { c.failureChallenge(AuthenticationFlowError.INVALID_CREDENTIALS, page); }
        };
    }

    static CodeStep of(RequiredActionContext c) {
        return new CodeStep() {
            public KeycloakSession session() { return c.getSession(); }
            public RealmModel realm() { return c.getRealm(); }
            public UserModel user() { return c.getUser(); }
            public AuthenticationSessionModel authSession() { return c.getAuthenticationSession(); }
            public LoginFormsProvider form() { return c.form(); }
            public MultivaluedMap<String, String> formParams() { return c.getHttpRequest().getDecodedFormParameters(); }
            public String remoteAddr() { return c.getConnection().getRemoteAddr(); }
            public EventBuilder event() { return c.getEvent(); }
            public void challenge(Response page) { c.challenge(page); }
            public void wrongCode(Response page) {
                if (c.getRealm().isBruteForceProtected()) {
                    NewerApi.reportFailedOtp(c.getSession().getProvider(BruteForceProtector.class), c.getRealm(), c.getUser(),
                            c.getConnection(), c.getUriInfo());
                }
                c.challenge(page);
            }
        };
    }
}
