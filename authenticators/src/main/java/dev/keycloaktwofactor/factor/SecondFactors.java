package dev.keycloaktwofactor.factor;

import dev.keycloaktwofactor.code.CodePurpose;
import dev.keycloaktwofactor.email.EmailChannel;
import dev.keycloaktwofactor.model.TwoFactorMethod;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.util.Map;

/** Which second factor the realm's policy asks of a user, and the record that they gave it in this login. */
public final class SecondFactors {

    /** Set once the second factor was given in this login attempt. */
    public static final String PASSED_NOTE = "twofactor.passed";

    private final Map<TwoFactorMethod, SecondFactor> factors;

    public SecondFactors(Map<TwoFactorMethod, SecondFactor> factors) {
        this.factors = factors;
    }

    public static SecondFactors builtIn() {
        return new SecondFactors(Map.of(
                TwoFactorMethod.TOTP, new AuthenticatorAppFactor(),
                TwoFactorMethod.EMAIL, new CodeFactor(new EmailChannel(), CodePurpose.LOGIN),
                TwoFactorMethod.SMS, new SmsFactor()));
    }

    /**
     * The factor asked of this user now, or null when the policy asks none ("none", or a method this server cannot
     * serve). Under the email method, a user who switched to an authenticator app is asked for the app's code.
     */
    public SecondFactor forUser(TwoFactorSettings settings, UserModel user) {
        if (settings.method() == TwoFactorMethod.EMAIL && settings.allowAppOptIn() && AuthenticatorAppFactor.hasDevice(user)) {
            return factors.get(TwoFactorMethod.TOTP);
        }
        return factors.get(settings.method());
    }

    /** Also kept on the user session: single sign-on from it later counts as having given the second factor. */
    public static void markPassed(AuthenticationSessionModel authSession) {
        authSession.setAuthNote(PASSED_NOTE, "true");
        authSession.setUserSessionNote(PASSED_NOTE, "true");
    }

    /** A session that counts as having given the second factor (the admin who turns two-factor on keeps theirs). */
    public static void markPassed(UserSessionModel userSession) {
        userSession.setNote(PASSED_NOTE, "true");
    }

    public static boolean passed(AuthenticationSessionModel authSession) {
        return authSession.getAuthNote(PASSED_NOTE) != null;
    }

    /** A session opened while the policy asked nothing (an "off" period) has not: its next use must give it. */
    public static boolean passed(UserSessionModel userSession) {
        return userSession != null && userSession.getNote(PASSED_NOTE) != null;
    }
}
