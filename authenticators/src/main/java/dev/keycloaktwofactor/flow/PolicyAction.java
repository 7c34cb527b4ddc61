package dev.keycloaktwofactor.flow;

import dev.keycloaktwofactor.code.CodeStep;
import dev.keycloaktwofactor.factor.SecondFactors;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.BruteForceProtector;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.util.function.Supplier;

/**
 * The policy's safety net. A login can end without passing the flow step that {@code FlowBinding} binds: a sign-in
 * through an identity provider (first or later broker login), a password reset by email, a registration, or a
 * browser flow an admin rebound by hand. Keycloak evaluates required actions at the end of every such login, so
 * this one adds itself whenever the policy asks the user for a second factor that this login has not yet seen, and
 * asks for it with the very same pages. A login through the policy step, or through an existing SSO session, is
 * left alone, as are action links that end without a session. The realm's IP allowlist holds on all of these
 * too, single sign-on included: from outside it, such a login ends with the same refusal as the browser flow's.
 * The second factor itself is {@link SecondFactorCheck}, the algorithm the flow step runs too; this class only
 * translates Keycloak's required-action context to it and its outcome back.
 */
public class PolicyAction extends SingletonAction {

    public static final String PROVIDER_ID = "twofactor-policy";

    private final SecondFactors factors = SecondFactors.builtIn();
    private final SecondFactorCheck check = new SecondFactorCheck(factors);

    public PolicyAction() {
        super(PROVIDER_ID, "Two-factor (realm policy) after any other way in");
    }

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.NOT_SUPPORTED;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        if (authSession.getAuthNote(AuthenticationManager.END_AFTER_REQUIRED_ACTIONS) != null) {
            return;
        }
        TwoFactorSettings settings = TwoFactorSettings.of(context.getRealm());
        boolean outsideAllowlist = !settings.allowlist().permits(context.getConnection().getRemoteAddr());
        boolean factorOwed = !SecondFactors.passed(authSession)
                && (authSession.getAuthNote(AuthenticationManager.SSO_AUTH) == null || !ssoSessionPassed(context))
                && factors.forUser(settings, context.getUser()) != null;
        if (outsideAllowlist || factorOwed) {
            authSession.addRequiredAction(PROVIDER_ID);
        }
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        if (refuseAddress(context)) {
            return;
        }
        end(context, check.start(CodeStep.of(context), bruteForceError(context)));
    }

    @Override
    public void processAction(RequiredActionContext context) {
        if (refuseAddress(context)) {
            return;
        }
        end(context, check.answer(CodeStep.of(context), bruteForceError(context)));
    }

    private static Supplier<String> bruteForceError(RequiredActionContext context) {
        return () -> AuthenticatorUtils.getDisabledByBruteForceEventError(
                context.getSession().getProvider(BruteForceProtector.class), context.getSession(), context.getRealm(),
                context.getUser());
    }

    /**
     * Keycloak's answer to the check. A user locked by brute-force protection gets the flow's neutral message, on a
     * page of its own (a required action cannot send the login back to the sign-in), and no code.
     */
    private static void end(RequiredActionContext context, SecondFactorCheck.Outcome outcome) {
        switch (outcome.kind()) {
            case NOTHING_ASKED, PASSED -> context.success();
            case BRUTE_FORCE_LOCKED -> context.challenge(context.form()
                    .setAttribute("twofactorMessage", TwoFactorAuthenticator.LOCKED_MESSAGE)
                    .createForm("twofactor-message.ftl"));
            case PAGE_SHOWN -> {
            }
        }
    }

    /**
     * Single sign-on rides on a user session (whose id Keycloak gives the browser's authentication session); it counts
     * as second-factor login only if that session was opened with the second factor, not in an "off" period.
     */
    private static boolean ssoSessionPassed(RequiredActionContext context) {
        String id = context.getAuthenticationSession().getParentSession().getId();
        UserSessionModel userSession = context.getSession().sessions().getUserSession(context.getRealm(), id);
        return SecondFactors.passed(userSession);
    }

    /** Outside the realm's allowlist: the browser flow's refusal, an event with the address, and no way on. */
    private static boolean refuseAddress(RequiredActionContext context) {
        String address = context.getConnection().getRemoteAddr();
        if (TwoFactorSettings.of(context.getRealm()).allowlist().permits(address)) {
            return false;
        }
        context.challenge(IpAllowlistStep.refusalPage(context.getEvent().user(context.getUser()), context.form(), address));
        return true;
    }

    /**
     * Puts this action before every other required action of the realm (Keycloak runs the lowest priority number
     * first), so that no other action (update profile, verify email, update email, confirm phone...) can change where
     * the code goes before the code was checked. Re-asserted at start-up, on every save and whenever an admin changes
     * the realm's required actions. Does nothing in a realm where the action is not registered.
     */
    public static void putFirst(RealmModel realm) {
        RequiredActionProviderModel policy = realm.getRequiredActionProviderByAlias(PROVIDER_ID);
        if (policy == null) {
            return;
        }
        int lowestOther = realm.getRequiredActionProvidersStream().filter(a -> !PROVIDER_ID.equals(a.getAlias()))
                .mapToInt(RequiredActionProviderModel::getPriority).min().orElse(policy.getPriority() + 1);
        if (policy.getPriority() >= lowestOther) {
            policy.setPriority(lowestOther - 10);
            realm.updateRequiredActionProvider(policy);
        }
    }
}
