package dev.keycloaktwofactor.flow;

import dev.keycloaktwofactor.code.CodeStep;
import dev.keycloaktwofactor.factor.PhoneConfirmation;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import dev.keycloaktwofactor.sms.SmsGateway;
import org.keycloak.authentication.RequiredActionContext;

/**
 * A user confirms their own phone number (application-initiated action {@code twofactor-confirm-phone}): enter the
 * number, "Send code", the SMS, the code with the server's resend wait, "Confirm phone". A confirmed number is
 * locked and marked "Confirmed"; the same action lets its owner unpin it, after a second "Unpin" that names what
 * follows (so one stray click does not cost them their way in).
 */
public class ConfirmPhoneAction extends UserStartedAction {

    public static final String PROVIDER_ID = "twofactor-confirm-phone";

    /** The page, its rules and its code: this class only lets Keycloak reach them. */
    private static final PhoneConfirmation CONFIRMATION = PhoneConfirmation.ofTypedNumber(PROVIDER_ID);

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        if (!refuseWithoutSms(context)) {
            CONFIRMATION.challenge(CodeStep.of(context), TwoFactorSettings.of(context.getRealm()));
        }
    }

    @Override
    public void processAction(RequiredActionContext context) {
        if (context.getHttpRequest().getDecodedFormParameters().containsKey(PhoneConfirmation.DONE_FIELD)) {
            context.success();
        } else if (!refuseWithoutSms(context)) {
            CONFIRMATION.action(CodeStep.of(context), TwoFactorSettings.of(context.getRealm()));
        }
    }

    /** Where SMS is not available (no gateway, or not activated for the realm) no number is taken and no text sent. */
    private static boolean refuseWithoutSms(RequiredActionContext context) {
        if (SmsGateway.isAvailable(context.getSession(), context.getRealm())) {
            return false;
        }
        context.getEvent().clone().event(org.keycloak.events.EventType.CUSTOM_REQUIRED_ACTION_ERROR).user(context.getUser())
                .detail("custom_required_action", PROVIDER_ID).error("twofactor_sms_unavailable");
        context.challenge(context.form().setAttribute("twofactorMessage", "twofactorSmsUnavailable")
                .createForm("twofactor-message.ftl"));
        return true;
    }

    public ConfirmPhoneAction() {
        super(PROVIDER_ID, "Confirm phone number for sign-in codes");
    }
}
