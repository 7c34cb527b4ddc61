package dev.keycloaktwofactor.wiring;

import dev.keycloaktwofactor.admin.page.PageClient;
import dev.keycloaktwofactor.flow.CibaGuard;
import dev.keycloaktwofactor.flow.ConfirmPhoneAction;
import dev.keycloaktwofactor.flow.DirectGrantGuard;
import dev.keycloaktwofactor.flow.IpAllowlistStep;
import dev.keycloaktwofactor.flow.PolicyAction;
import dev.keycloaktwofactor.flow.SetupAppAction;
import dev.keycloaktwofactor.model.InvalidSettingException;
import dev.keycloaktwofactor.model.Refusal;
import dev.keycloaktwofactor.model.TwoFactorMethod;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import dev.keycloaktwofactor.phone.PhoneProfile;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.DefaultAuthenticationFlows;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.resources.admin.AuthenticationManagementResource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Makes the realm's login flows enforce the Security page, the Keycloak way: a copy of the realm's own browser
 * (and direct grant) flow with our step after the password, bound in place of the original. Every step the admin
 * had stays. Turning the policy off binds the original flow again and removes the copy.
 */
public final class FlowBinding {

    public static final String BROWSER_ALIAS = "browser with two-factor";
    public static final String DIRECT_GRANT_ALIAS = "direct grant with two-factor";

    static final String ORIGINAL_BROWSER = TwoFactorSettings.ATTRIBUTE_PREFIX + "flow.browser.original";
    static final String ORIGINAL_DIRECT_GRANT = TwoFactorSettings.ATTRIBUTE_PREFIX + "flow.directGrant.original";

    private static final Set<String> PASSWORD_STEPS = Set.of("auth-username-password-form", "auth-password-form");
    private static final Set<String> DIRECT_GRANT_PASSWORD_STEPS = Set.of("direct-grant-validate-password");
    /** Keycloak's own OTP form: the policy step asks for the app's code, so it would ask twice. */
    private static final String BUILT_IN_OTP_FORM = "auth-otp-form";

    private FlowBinding() {
    }

    /**
     * Set while Keycloak's own "Set up Authenticator application" ({@code CONFIGURE_TOTP}) is off because we switched it
     * off (see {@link #alignBuiltInAppSetup}): only then is it switched on again when the realm leaves the email method.
     */
    static final String BUILT_IN_APP_SETUP_OFF = TwoFactorSettings.ATTRIBUTE_PREFIX + "builtInAppSetup.switchedOff";

    /** Binds or unbinds so that the realm's flows match the settings. Idempotent. */
    public static void apply(KeycloakSession session, RealmModel realm, TwoFactorSettings settings) {
        boolean wanted = settings.method().isEnabled() || settings.allowlist().isRestricted();
        registerActionsAndProfile(session, realm);
        if (wanted) {
            PageClient.ensureHere(session, realm);
            bindBrowser(session, realm);
            bindDirectGrant(session, realm);
        } else {
            unbind(session, realm, BROWSER_ALIAS, ORIGINAL_BROWSER, DefaultAuthenticationFlows.BROWSER_FLOW,
                    realm::setBrowserFlow);
            unbind(session, realm, DIRECT_GRANT_ALIAS, ORIGINAL_DIRECT_GRANT, DefaultAuthenticationFlows.DIRECT_GRANT_FLOW,
                    realm::setDirectGrantFlow);
        }
        // only once the flows are bound: a method refused above must not reopen Keycloak's own app set-up
        alignBuiltInAppSetup(realm, settings.method());
    }

    /**
     * Our actions must be registered and enabled in a realm to be started (kc_action), the phone attributes
     * declared in its user profile, and the client policy that refuses CIBA under 2FA in place. Idempotent.
     */
    public static void registerActionsAndProfile(KeycloakSession session, RealmModel realm) {
        registerAction(realm, SetupAppAction.PROVIDER_ID, "Switch to an authenticator app (confirmed by email)");
        registerAction(realm, ConfirmPhoneAction.PROVIDER_ID, "Confirm phone number for sign-in codes");
        registerAction(realm, PolicyAction.PROVIDER_ID, "Two-factor (realm policy) after any other way in");
        PolicyAction.putFirst(realm);
        PhoneProfile.ensure(session, realm);
        CibaGuard.ensureIn(session, realm);
    }

    /**
     * Under the email method the one way to an authenticator app is the switch confirmed by an emailed code
     * ({@link SetupAppAction}). Keycloak's own "Set up Authenticator application" (required action
     * {@code CONFIGURE_TOTP}, offered on the account console's Signing in page) would create the same app credential
     * with no email code, for anyone holding a session signed in within the last five minutes: so under the email
     * method it is switched off in the realm (the account console no longer offers it, {@code kc_action=CONFIGURE_TOTP}
     * ends in an error), and switched on again when the realm leaves the email method, if it was on before. Under the
     * app method users enroll at sign-in through the policy step, and Keycloak's action stays as the admin set it.
     * Idempotent; re-applied when an admin re-enables the action (docs/security-model.md, "Switching to an app").
     */
    static void alignBuiltInAppSetup(RealmModel realm, TwoFactorMethod method) {
        RequiredActionProviderModel action = realm.getRequiredActionProviderByAlias(UserModel.RequiredAction.CONFIGURE_TOTP.name());
        if (action == null) {
            return;
        }
        if (method == TwoFactorMethod.EMAIL) {
            if (action.isEnabled()) {
                action.setEnabled(false);
                realm.updateRequiredActionProvider(action);
                realm.setAttribute(BUILT_IN_APP_SETUP_OFF, "true");
            }
        } else if (realm.getAttribute(BUILT_IN_APP_SETUP_OFF) != null) {
            if (!action.isEnabled()) {
                action.setEnabled(true);
                realm.updateRequiredActionProvider(action);
            }
            realm.removeAttribute(BUILT_IN_APP_SETUP_OFF);
        }
    }

    private static void registerAction(RealmModel realm, String id, String name) {
        RequiredActionProviderModel action = realm.getRequiredActionProviderByAlias(id);
        if (action == null) {
            action = new RequiredActionProviderModel();
            action.setAlias(id);
            action.setProviderId(id);
            action.setName(name);
            action.setEnabled(true);
            action.setDefaultAction(false);
            action.setPriority(realm.getRequiredActionProvidersStream().mapToInt(RequiredActionProviderModel::getPriority).max().orElse(0) + 10);
            realm.addRequiredActionProvider(action);
        } else if (!action.isEnabled()) {
            action.setEnabled(true);
            realm.updateRequiredActionProvider(action);
        }
    }

    private static void bindBrowser(KeycloakSession session, RealmModel realm) {
        AuthenticationFlowModel current = realm.getBrowserFlow();
        if (current != null && BROWSER_ALIAS.equals(current.getAlias())) {
            return;
        }
        AuthenticationFlowModel copy = freshCopy(session, realm, current, BROWSER_ALIAS, ORIGINAL_BROWSER);
        AuthenticationExecutionModel password = findStep(realm, copy, PASSWORD_STEPS).orElseThrow(() ->
                new InvalidSettingException("method", Refusal.METHOD_FLOW_UNSUITABLE, "The realm's browser flow '" + current.getAlias()
                        + "' has no username and password step after which a second factor could be asked.", current.getAlias()));
        insert(realm, password.getParentFlow(), TwoFactorAuthenticatorFactory.PROVIDER_ID, password.getId(), false);
        insert(realm, password.getParentFlow(), IpAllowlistStep.PROVIDER_ID, firstOf(realm, password.getParentFlow()), true);
        disableOtpIn(realm, copy);
        disableBuiltInOtp(realm, copy);
        realm.setBrowserFlow(copy);
    }

    private static void bindDirectGrant(KeycloakSession session, RealmModel realm) {
        AuthenticationFlowModel current = realm.getDirectGrantFlow();
        if (current != null && DIRECT_GRANT_ALIAS.equals(current.getAlias())) {
            return;
        }
        AuthenticationFlowModel copy = freshCopy(session, realm, current, DIRECT_GRANT_ALIAS, ORIGINAL_DIRECT_GRANT);
        Optional<AuthenticationExecutionModel> password = findStep(realm, copy, DIRECT_GRANT_PASSWORD_STEPS);
        if (password.isPresent()) {
            insert(realm, password.get().getParentFlow(), DirectGrantGuard.PROVIDER_ID, password.get().getId(), false);
        } else {
            insert(realm, copy.getId(), DirectGrantGuard.PROVIDER_ID, null, false);
        }
        insert(realm, copy.getId(), IpAllowlistStep.DIRECT_GRANT_PROVIDER_ID, firstOf(realm, copy.getId()), true);
        realm.setDirectGrantFlow(copy);
    }

    private static AuthenticationFlowModel freshCopy(KeycloakSession session, RealmModel realm,
                                                     AuthenticationFlowModel current, String alias, String originalAttribute) {
        // A copy left over from an earlier cycle is rebuilt from what is bound now, which the admin may have changed.
        AuthenticationFlowModel stale = realm.getFlowByAlias(alias);
        if (stale != null) {
            deepDelete(realm, stale);
        }
        realm.setAttribute(originalAttribute, current.getAlias());
        AuthenticationFlowModel copy = AuthenticationManagementResource.copyFlow(session, realm, current, alias);
        copy.setDescription("Managed by keycloak-twofactor: '" + current.getAlias()
                + "' with the realm's two-factor policy. Turning two-factor off on the Security page binds '"
                + current.getAlias() + "' again.");
        realm.updateAuthenticationFlow(copy);
        return copy;
    }

    private static void unbind(KeycloakSession session, RealmModel realm, String alias, String originalAttribute,
                               String defaultAlias, Consumer<AuthenticationFlowModel> binder) {
        AuthenticationFlowModel managed = realm.getFlowByAlias(alias);
        if (managed == null) {
            realm.removeAttribute(originalAttribute);
            return;
        }
        String originalAlias = realm.getAttribute(originalAttribute);
        AuthenticationFlowModel original = originalAlias == null ? null : realm.getFlowByAlias(originalAlias);
        if (original == null) {
            original = realm.getFlowByAlias(defaultAlias);
        }
        boolean bound = managed.getId().equals(alias.equals(BROWSER_ALIAS)
                ? idOf(realm.getBrowserFlow()) : idOf(realm.getDirectGrantFlow()));
        if (bound && original != null) {
            binder.accept(original);
        }
        if (!KeycloakModelUtils.isFlowUsed(session, realm, managed)) {
            deepDelete(realm, managed);
        }
        realm.removeAttribute(originalAttribute);
    }

    /**
     * Removes one of our copies with its sub-flows and their step configs. Keycloak's own deep delete changed its
     * signature in 26.6, and our copies are never built-in flows, so the few model calls are made here.
     */
    static void deepDelete(RealmModel realm, AuthenticationFlowModel flow) {
        if (flow == null) {
            return;
        }
        for (AuthenticationExecutionModel step : realm.getAuthenticationExecutionsStream(flow.getId()).toList()) {
            if (step.getFlowId() != null) {
                deepDelete(realm, realm.getAuthenticationFlowById(step.getFlowId()));
            }
            if (step.getAuthenticatorConfig() != null) {
                AuthenticatorConfigModel config = realm.getAuthenticatorConfigById(step.getAuthenticatorConfig());
                if (config != null) {
                    realm.removeAuthenticatorConfig(config);
                }
            }
            realm.removeAuthenticatorExecution(step);
        }
        realm.removeAuthenticationFlow(flow);
    }

    private static String idOf(AuthenticationFlowModel flow) {
        return flow == null ? null : flow.getId();
    }

    /** The first execution, depth first in flow order, whose authenticator is one of {@code providers}. */
    static Optional<AuthenticationExecutionModel> findStep(RealmModel realm, AuthenticationFlowModel flow, Set<String> providers) {
        for (AuthenticationExecutionModel e : realm.getAuthenticationExecutionsStream(flow.getId()).toList()) {
            if (e.isAuthenticatorFlow()) {
                Optional<AuthenticationExecutionModel> inner = findStep(realm, realm.getAuthenticationFlowById(e.getFlowId()), providers);
                if (inner.isPresent()) {
                    return inner;
                }
            } else if (providers.contains(e.getAuthenticator())
                    && e.getRequirement() != AuthenticationExecutionModel.Requirement.DISABLED) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * Puts a REQUIRED step just before or after the execution {@code anchorId} of {@code flowId} (at the end when the
     * anchor is null), renumbering that flow's priorities in steps of ten.
     */
    private static void insert(RealmModel realm, String flowId, String provider, String anchorId, boolean before) {
        int priority = 10;
        boolean added = false;
        for (AuthenticationExecutionModel e : realm.getAuthenticationExecutionsStream(flowId).toList()) {
            boolean isAnchor = e.getId().equals(anchorId);
            if (isAnchor && before) {
                addExecution(realm, flowId, provider, priority);
                priority += 10;
                added = true;
            }
            e.setPriority(priority);
            realm.updateAuthenticatorExecution(e);
            priority += 10;
            if (isAnchor && !before) {
                addExecution(realm, flowId, provider, priority);
                priority += 10;
                added = true;
            }
        }
        if (!added) {
            addExecution(realm, flowId, provider, priority);
        }
    }

    private static String firstOf(RealmModel realm, String flowId) {
        return realm.getAuthenticationExecutionsStream(flowId).findFirst().map(AuthenticationExecutionModel::getId).orElse(null);
    }

    private static AuthenticationExecutionModel addExecution(RealmModel realm, String flowId, String provider, int priority) {
        AuthenticationExecutionModel execution = new AuthenticationExecutionModel();
        execution.setParentFlow(flowId);
        execution.setAuthenticator(provider);
        execution.setRequirement(AuthenticationExecutionModel.Requirement.REQUIRED);
        execution.setAuthenticatorFlow(false);
        execution.setPriority(priority);
        return realm.addAuthenticatorExecution(execution);
    }

    /**
     * Disables Keycloak's own OTP form in the copy. A conditional sub-flow left with nothing enabled but its
     * conditions (the stock "Conditional 2FA") is disabled as a whole: Keycloak would otherwise enter it and fail
     * the login for want of a step.
     */
    private static void disableBuiltInOtp(RealmModel realm, AuthenticationFlowModel flow) {
        for (AuthenticationExecutionModel e : realm.getAuthenticationExecutionsStream(flow.getId()).toList()) {
            if (e.isAuthenticatorFlow()) {
                AuthenticationFlowModel sub = realm.getAuthenticationFlowById(e.getFlowId());
                if (disableOtpIn(realm, sub) && onlyConditionsLeft(realm, sub)) {
                    e.setRequirement(AuthenticationExecutionModel.Requirement.DISABLED);
                    realm.updateAuthenticatorExecution(e);
                }
                disableBuiltInOtp(realm, sub);
            }
        }
    }

    private static boolean disableOtpIn(RealmModel realm, AuthenticationFlowModel flow) {
        boolean changed = false;
        for (AuthenticationExecutionModel e : realm.getAuthenticationExecutionsStream(flow.getId()).toList()) {
            if (!e.isAuthenticatorFlow() && BUILT_IN_OTP_FORM.equals(e.getAuthenticator()) && !e.isDisabled()) {
                e.setRequirement(AuthenticationExecutionModel.Requirement.DISABLED);
                realm.updateAuthenticatorExecution(e);
                changed = true;
            }
        }
        return changed;
    }

    private static boolean onlyConditionsLeft(RealmModel realm, AuthenticationFlowModel flow) {
        return realm.getAuthenticationExecutionsStream(flow.getId())
                .filter(e -> !e.isDisabled())
                .allMatch(e -> !e.isAuthenticatorFlow() && e.getAuthenticator() != null && e.getAuthenticator().startsWith("conditional-"));
    }
}
