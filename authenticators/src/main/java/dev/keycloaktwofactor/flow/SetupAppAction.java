package dev.keycloaktwofactor.flow;

import dev.keycloaktwofactor.code.CodePurpose;
import dev.keycloaktwofactor.code.CodeStep;
import dev.keycloaktwofactor.code.OneTimeCode;
import dev.keycloaktwofactor.email.EmailChannel;
import dev.keycloaktwofactor.factor.AuthenticatorAppFactor;
import dev.keycloaktwofactor.factor.CodeFactor;
import dev.keycloaktwofactor.model.TwoFactorMethod;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import org.keycloak.authentication.RequiredActionContext;

/**
 * "Switch to an authenticator app" for a signed-in user under the email method (application-initiated action
 * {@code twofactor-setup-app}): first a code sent by email proves it is them, then the QR code and key, then a code
 * from the app and "Complete the setup". From then on their login asks for the app's code and sends no email;
 * removing the app in the account console brings the email code back.
 */
public class SetupAppAction extends UserStartedAction {

    public static final String PROVIDER_ID = "twofactor-setup-app";
    static final String NOTE_EMAIL_CONFIRMED = "twofactor.setup-app.email-confirmed";

    // "Continue", not "Sign in": the user is signed in already, this step only proves it is them
    private static final CodeFactor EMAIL_CODE = new CodeFactor(new EmailChannel(), CodePurpose.SETUP_APP, "twofactorContinue");

    public SetupAppAction() {
        super(PROVIDER_ID, "Switch to an authenticator app (confirmed by email)");
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        TwoFactorSettings settings = TwoFactorSettings.of(context.getRealm());
        if (!allowed(settings)) {
            context.challenge(context.form().setAttribute("twofactorMessage", "twofactorAppOptInUnavailable")
                    .createForm("twofactor-message.ftl"));
            return;
        }
        CodeStep step = CodeStep.of(context);
        if (context.getAuthenticationSession().getAuthNote(NOTE_EMAIL_CONFIRMED) != null) {
            context.challenge(AuthenticatorAppFactor.enrollmentPage(step, null));
            return;
        }
        EMAIL_CODE.challenge(step, settings);
    }

    @Override
    public void processAction(RequiredActionContext context) {
        TwoFactorSettings settings = TwoFactorSettings.of(context.getRealm());
        if (!allowed(settings)) {
            requiredActionChallenge(context);
            return;
        }
        CodeStep step = CodeStep.of(context);
        if (context.getAuthenticationSession().getAuthNote(NOTE_EMAIL_CONFIRMED) == null) {
            if (EMAIL_CODE.action(step, settings)) {
                context.getAuthenticationSession().setAuthNote(NOTE_EMAIL_CONFIRMED, "true");
                context.challenge(AuthenticatorAppFactor.enrollmentPage(step, null));
            }
            return;
        }
        String code = OneTimeCode.normalize(step.formParams().getFirst(AuthenticatorAppFactor.CODE_FIELD));
        if (AuthenticatorAppFactor.enroll(step, code)) {
            context.getAuthenticationSession().removeAuthNote(NOTE_EMAIL_CONFIRMED);
            context.success();
        }
    }

    private static boolean allowed(TwoFactorSettings settings) {
        return settings.method() == TwoFactorMethod.EMAIL && settings.allowAppOptIn();
    }

    @Override
    public boolean isOneTimeAction() {
        return true;
    }
}
