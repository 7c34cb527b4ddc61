package dev.keycloaktwofactor.factor;

import dev.keycloaktwofactor.code.CodeStep;
import dev.keycloaktwofactor.code.OneTimeCode;
import dev.keycloaktwofactor.code.SecondFactorLock;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import org.keycloak.events.Errors;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.utils.CredentialValidation;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.utils.CredentialHelper;

import jakarta.ws.rs.core.Response;

/**
 * Authenticator app (TOTP) as the second factor. A user without a device is shown a QR code until a code from
 * the app activates it; the device is Keycloak's own {@code otp} credential, checked with the realm's OTP
 * policy and Keycloak's replay protection.
 */
public class AuthenticatorAppFactor implements SecondFactor {

    public static final String CODE_FIELD = "code";
    static final String NOTE_SECRET = "twofactor.totp.secret";
    static final String DEVICE_LABEL = "Authenticator app";

    public static final String CODE_TEMPLATE = "twofactor-code.ftl";
    public static final String ENROLL_TEMPLATE = "twofactor-totp-enroll.ftl";

    @Override
    public String id() {
        return "totp";
    }

    @Override
    public void challenge(CodeStep step, TwoFactorSettings settings) {
        step.challenge(page(step, null));
    }

    @Override
    public boolean action(CodeStep step, TwoFactorSettings settings) {
        String code = OneTimeCode.normalize(step.formParams().getFirst(CODE_FIELD));
        UserModel user = step.user();

        if (!hasDevice(user)) {
            if (step.authSession().getAuthNote(NOTE_SECRET) == null) {
                // The device was reset while this page was open: the old device's codes mean nothing now.
                step.challenge(page(step, new FormMessage("twofactorDeviceReset")));
                return false;
            }
            return enroll(step, code);
        }
        if (code == null) {
            step.challenge(page(step, new FormMessage(CODE_FIELD, "twofactorCodeMissing")));
            return false;
        }
        // counted per user like email and SMS codes: the claim comes before the check, so parallel guesses get no more
        SecondFactorLock lock = new SecondFactorLock(step.session(), step.realm(), user);
        SecondFactorLock.Attempt attempt = lock.claim(settings);
        if (attempt.locked()) {
            step.event().clone().user(user).error(SecondFactorLock.EVENT);
            step.challenge(lock.page(step.form()));
            return false;
        }
        boolean valid = dev.keycloaktwofactor.metrics.TwoFactorMetrics.appCodeChecked(user.credentialManager().getStoredCredentialsByTypeStream(OTPCredentialModel.TYPE)
                .anyMatch(c -> user.credentialManager().isValid(new UserCredentialModel(c.getId(), OTPCredentialModel.TYPE, code))));
        if (!valid) {
            step.event().user(user).error(Errors.INVALID_USER_CREDENTIALS);
            if (lock.wrong(attempt, settings)) {
                dev.keycloaktwofactor.metrics.TwoFactorMetrics.lockedOut();
                step.event().clone().user(user).error(SecondFactorLock.EVENT);
                step.wrongCode(lock.page(step.form()));
            } else {
                step.wrongCode(page(step, CodeFactor.invalid(attempt)));
            }
            return false;
        }
        lock.reset();
        return true;
    }

    @Override
    public String credentialType() {
        return OTPCredentialModel.TYPE;
    }

    /**
     * Checks a code from the app being enrolled and, if it is right, stores the device (spending that code through
     * Keycloak's replay protection).
     *
     * @return true when the device was stored; otherwise the enrolment page is set again as the challenge
     */
    public static boolean enroll(CodeStep step, String code) {
        AuthenticationSessionModel authSession = step.authSession();
        RealmModel realm = step.realm();
        UserModel user = step.user();
        if (code == null) {
            step.challenge(enrollmentPage(step, new FormMessage(CODE_FIELD, "twofactorCodeMissing")));
            return false;
        }
        String secret = authSession.getAuthNote(NOTE_SECRET);
        if (secret == null) {
            step.challenge(enrollmentPage(step, null));
            return false;
        }
        OTPCredentialModel device = OTPCredentialModel.createFromPolicy(realm, secret, DEVICE_LABEL);
        if (!CredentialValidation.validOTP(code, device, realm.getOTPPolicy().getLookAheadWindow())
                || !CredentialHelper.createOTPCredential(step.session(), realm, user, code, device)) {
            step.event().user(user).error(Errors.INVALID_USER_CREDENTIALS);
            step.wrongCode(enrollmentPage(step, new FormMessage(CODE_FIELD, "twofactorCodeInvalid")));
            return false;
        }
        authSession.removeAuthNote(NOTE_SECRET);
        step.event().detail("twofactor_device", "registered");
        return true;
    }

    /** The code page for a user with a device, otherwise the QR page. */
    private static Response page(CodeStep step, FormMessage error) {
        if (hasDevice(step.user())) {
            step.authSession().removeAuthNote(NOTE_SECRET);
            LoginFormsProvider form = step.form();
            if (error != null) {
                form.addError(error);
            }
            return form.setAttribute("twofactorChannel", "totp")
                    .setAttribute("twofactorCodeLength", step.realm().getOTPPolicy().getDigits())
                    .createForm(CODE_TEMPLATE);
        }
        return enrollmentPage(step, error);
    }

    /** The QR page, with a secret generated on the server and kept for this login attempt only. */
    public static Response enrollmentPage(CodeStep step, FormMessage error) {
        AuthenticationSessionModel authSession = step.authSession();
        String secret = authSession.getAuthNote(NOTE_SECRET);
        if (secret == null) {
            secret = TotpEnrollment.newScannableSecret(candidate -> TotpEnrollment.of(step.realm(), step.user(), candidate).keyUri());
            authSession.setAuthNote(NOTE_SECRET, secret);
        }
        LoginFormsProvider form = step.form();
        if (error != null) {
            form.addError(error);
        }
        TotpEnrollment enrollment = TotpEnrollment.of(step.realm(), step.user(), secret);
        return form.setAttribute("twofactorChannel", "totp")
                .setAttribute("twofactorQr", enrollment.qrPngBase64())
                .setAttribute("twofactorSecret", enrollment.manualKey())
                .setAttribute("twofactorIssuer", enrollment.issuer())
                .setAttribute("twofactorAccount", enrollment.account())
                .setAttribute("twofactorKeyUri", enrollment.keyUri())
                .setAttribute("twofactorCodeLength", step.realm().getOTPPolicy().getDigits())
                .createForm(ENROLL_TEMPLATE);
    }

    public static boolean hasDevice(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(OTPCredentialModel.TYPE).findAny().isPresent();
    }
}
