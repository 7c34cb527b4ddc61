package dev.keycloaktwofactor.totp;

import dev.keycloaktwofactor.policy.SecondFactor;
import dev.keycloaktwofactor.policy.TwoFactorSettings;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
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

import jakarta.ws.rs.core.MultivaluedMap;
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
    public void challenge(AuthenticationFlowContext context, TwoFactorSettings settings) {
        context.challenge(page(context, null));
    }

    @Override
    public void action(AuthenticationFlowContext context, TwoFactorSettings settings) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String code = normalize(form.getFirst(CODE_FIELD));
        UserModel user = context.getUser();
        boolean hadPendingEnrollment = context.getAuthenticationSession().getAuthNote(NOTE_SECRET) != null;

        if (!hasDevice(user)) {
            if (!hadPendingEnrollment) {
                // The device was reset while this page was open: the old device's codes mean nothing now.
                context.challenge(page(context, new FormMessage("twofactorDeviceReset")));
                return;
            }
            enroll(context, code);
            return;
        }
        if (code == null) {
            context.challenge(page(context, new FormMessage(CODE_FIELD, "twofactorCodeMissing")));
            return;
        }
        boolean valid = user.credentialManager().getStoredCredentialsByTypeStream(OTPCredentialModel.TYPE)
                .anyMatch(c -> user.credentialManager().isValid(new UserCredentialModel(c.getId(), OTPCredentialModel.TYPE, code)));
        if (!valid) {
            context.getEvent().user(user).error(Errors.INVALID_USER_CREDENTIALS);
            context.failureChallenge(AuthenticationFlowError.INVALID_CREDENTIALS,
                    page(context, new FormMessage(CODE_FIELD, "twofactorCodeInvalid")));
            return;
        }
        context.success(OTPCredentialModel.TYPE);
    }

    private void enroll(AuthenticationFlowContext context, String code) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        RealmModel realm = context.getRealm();
        UserModel user = context.getUser();
        if (code == null) {
            context.challenge(page(context, new FormMessage(CODE_FIELD, "twofactorCodeMissing")));
            return;
        }
        String secret = authSession.getAuthNote(NOTE_SECRET);
        OTPCredentialModel device = OTPCredentialModel.createFromPolicy(realm, secret, DEVICE_LABEL);
        if (!CredentialValidation.validOTP(code, device, realm.getOTPPolicy().getLookAheadWindow())) {
            context.getEvent().user(user).error(Errors.INVALID_USER_CREDENTIALS);
            context.failureChallenge(AuthenticationFlowError.INVALID_CREDENTIALS,
                    page(context, new FormMessage(CODE_FIELD, "twofactorCodeInvalid")));
            return;
        }
        // Stores the device and spends the enrolment code through Keycloak's replay protection.
        if (!CredentialHelper.createOTPCredential(context.getSession(), realm, user, code, device)) {
            context.failureChallenge(AuthenticationFlowError.INVALID_CREDENTIALS,
                    page(context, new FormMessage(CODE_FIELD, "twofactorCodeInvalid")));
            return;
        }
        authSession.removeAuthNote(NOTE_SECRET);
        context.getEvent().detail("twofactor_device", "registered");
        context.success(OTPCredentialModel.TYPE);
    }

    /** The code page for a user with a device, otherwise the QR page with a secret kept for this login attempt. */
    private Response page(AuthenticationFlowContext context, FormMessage error) {
        LoginFormsProvider form = context.form();
        if (error != null) {
            form.addError(error);
        }
        UserModel user = context.getUser();
        if (hasDevice(user)) {
            context.getAuthenticationSession().removeAuthNote(NOTE_SECRET);
            return form.setAttribute("twofactorChannel", "totp").createForm(CODE_TEMPLATE);
        }
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String secret = authSession.getAuthNote(NOTE_SECRET);
        if (secret == null) {
            secret = TotpEnrollment.newSecret();
            authSession.setAuthNote(NOTE_SECRET, secret);
        }
        TotpEnrollment enrollment = TotpEnrollment.of(context.getRealm(), user, secret);
        return form.setAttribute("twofactorChannel", "totp")
                .setAttribute("twofactorQr", enrollment.qrPngBase64())
                .setAttribute("twofactorSecret", enrollment.manualKey())
                .setAttribute("twofactorIssuer", enrollment.issuer())
                .setAttribute("twofactorAccount", enrollment.account())
                .createForm(ENROLL_TEMPLATE);
    }

    public static boolean hasDevice(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(OTPCredentialModel.TYPE).findAny().isPresent();
    }

    /** Apps show codes as "123 456"; people paste them with spaces. Anything but digits is not a code. */
    static String normalize(String raw) {
        if (raw == null) {
            return null;
        }
        String digits = raw.replaceAll("[\\s-]", "");
        return digits.isEmpty() || digits.length() > 10 || !digits.chars().allMatch(Character::isDigit) ? null : digits;
    }
}
