package dev.keycloaktwofactor.flow;

import dev.keycloaktwofactor.code.CodeStep;
import dev.keycloaktwofactor.factor.SecondFactors;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;

import java.util.function.Supplier;

/**
 * The step that {@code FlowBinding} puts after the password: it asks for whatever second factor the realm's
 * policy names at the moment of the login, so that changing the method needs no flow change. An adapter over
 * {@link SecondFactorCheck}, as {@link PolicyAction} is.
 */
public class TwoFactorAuthenticator implements Authenticator {

    public static final String LOCKED_MESSAGE = "twofactorLocked";

    private final SecondFactorCheck check;

    public TwoFactorAuthenticator(SecondFactors factors) {
        this.check = new SecondFactorCheck(factors);
    }

    public static TwoFactorAuthenticator withBuiltInFactors() {
        return new TwoFactorAuthenticator(SecondFactors.builtIn());
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        end(context, check.start(CodeStep.of(context), bruteForceError(context)));
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        end(context, check.answer(CodeStep.of(context), bruteForceError(context)));
    }

    private static Supplier<String> bruteForceError(AuthenticationFlowContext context) {
        return () -> AuthenticatorUtils.getDisabledByBruteForceEventError(context, context.getUser());
    }

    /**
     * Keycloak's answer to the check. A user that Keycloak's brute-force protection has locked gets a neutral message
     * and must start the login again: no code is sent or checked for them.
     */
    private static void end(AuthenticationFlowContext context, SecondFactorCheck.Outcome outcome) {
        switch (outcome.kind()) {
            case NOTHING_ASKED -> context.success();
            case PASSED -> {
                if (outcome.credentialType() != null) {
                    context.success(outcome.credentialType());
                } else {
                    context.success();
                }
            }
            case BRUTE_FORCE_LOCKED -> context.forkWithErrorMessage(new FormMessage(LOCKED_MESSAGE));
            case PAGE_SHOWN -> {
            }
        }
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
