package dev.keycloaktwofactor.flow;

import dev.keycloaktwofactor.code.CodeStep;
import dev.keycloaktwofactor.code.SecondFactorLock;
import dev.keycloaktwofactor.factor.SecondFactor;
import dev.keycloaktwofactor.factor.SecondFactors;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;

/**
 * The step that {@code FlowBinding} puts after the password: it asks for whatever second factor the realm's
 * policy names at the moment of the login, so that changing the method needs no flow change.
 */
public class TwoFactorAuthenticator implements Authenticator {

    /**
     * The factor a page was rendered for; a post when another factor is due (the admin switched the method, the
     * user enrolled an app in another tab) restarts the step rather than checking the entry against the wrong factor.
     */
    static final String NOTE_FACTOR = "twofactor.factor";
    public static final String LOCKED_MESSAGE = "twofactorLocked";

    private final SecondFactors factors;

    public TwoFactorAuthenticator(SecondFactors factors) {
        this.factors = factors;
    }

    public static TwoFactorAuthenticator withBuiltInFactors() {
        return new TwoFactorAuthenticator(SecondFactors.builtIn());
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        TwoFactorSettings settings = TwoFactorSettings.of(context.getRealm());
        SecondFactor factor = factors.forUser(settings, context.getUser());
        if (factor == null) {
            context.success();
            return;
        }
        if (endIfLocked(context)) {
            return;
        }
        context.getAuthenticationSession().setAuthNote(NOTE_FACTOR, factor.id());
        factor.challenge(CodeStep.of(context), settings);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        TwoFactorSettings settings = TwoFactorSettings.of(context.getRealm());
        String renderedFor = context.getAuthenticationSession().getAuthNote(NOTE_FACTOR);
        SecondFactor factor = factors.forUser(settings, context.getUser());
        if (factor == null || !factor.id().equals(renderedFor)) {
            authenticate(context);
            return;
        }
        if (endIfLocked(context)) {
            return;
        }
        if (factor.action(CodeStep.of(context), settings)) {
            SecondFactors.markPassed(context.getAuthenticationSession());
            if (factor.credentialType() != null) {
                context.success(factor.credentialType());
            } else {
                context.success();
            }
        }
    }

    /**
     * A user that Keycloak's brute-force protection has locked gets a neutral message and must start the
     * login again: no code is sent or checked for them.
     */
    private static boolean endIfLocked(AuthenticationFlowContext context) {
        String error = AuthenticatorUtils.getDisabledByBruteForceEventError(context, context.getUser());
        if (error != null) {
            context.getEvent().user(context.getUser()).error(error);
            context.forkWithErrorMessage(new FormMessage(LOCKED_MESSAGE));
            return true;
        }
        // Our own cap on wrong entries, whatever the realm's brute-force setting: the attempt ends on a page that
        // says why, with only the way back to the sign-in. (A fork would be swallowed here when the step runs
        // inside the browser flow's alternative "forms" sub-flow, as it does after the password.)
        SecondFactorLock lock = new SecondFactorLock(context.getSession(), context.getRealm(), context.getUser());
        if (!lock.isLocked()) {
            return false;
        }
        context.getEvent().clone().user(context.getUser()).error(SecondFactorLock.EVENT);
        context.challenge(lock.page(context.form()));
        return true;
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
