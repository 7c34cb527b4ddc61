package dev.keycloaktwofactor.factor;

import dev.keycloaktwofactor.code.CodePurpose;
import dev.keycloaktwofactor.code.CodeStep;
import dev.keycloaktwofactor.code.SendCaps;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import dev.keycloaktwofactor.phone.PhoneNumbers;
import dev.keycloaktwofactor.sms.SmsChannel;
import dev.keycloaktwofactor.sms.SmsGateway;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.utils.FormMessage;

import jakarta.ws.rs.core.Response;

/**
 * The SMS code as the second factor. A user with a confirmed number gets the sign-in code. A user whose stored number
 * is not confirmed yet is offered "Confirm now": a confirmation code to that very number (the confirm-phone action's
 * code, waits and caps), and the right code both confirms the number ("self") and completes the sign-in, since it
 * proves the same thing a sign-in code does. Nobody types a number on this path, so nobody can plant one before the
 * password step; a user with no usable number is told to contact the administrator.
 */
public class SmsFactor implements SecondFactor {

    /** Set once the user pressed "Confirm now" in this login attempt. */
    static final String CONFIRM_NOW_NOTE = "twofactor.sms.confirm-now";
    public static final String CONFIRM_NOW_FIELD = "confirm-now";
    public static final String TEMPLATE = "twofactor-contact-admin.ftl";

    private final CodeFactor signIn = new CodeFactor(SmsChannel.toConfirmedNumber(), CodePurpose.LOGIN);
    private final CodeFactor confirmNow = new CodeFactor(SmsChannel.toStoredUnconfirmedNumber(), CodePurpose.CONFIRM_PHONE,
            PhoneConfirmation.CONFIRM_LABEL);

    @Override
    public String id() {
        return "sms";
    }

    @Override
    public void challenge(CodeStep step, TwoFactorSettings settings) {
        String offered = offered(step);
        if (offered == null) {
            step.authSession().removeAuthNote(CONFIRM_NOW_NOTE);
            signIn.challenge(step, settings);
        } else if (step.authSession().getAuthNote(CONFIRM_NOW_NOTE) != null) {
            confirmNow.challenge(step, settings);
        } else {
            step.challenge(offerPage(step, offered, null));
        }
    }

    @Override
    public boolean action(CodeStep step, TwoFactorSettings settings) {
        String offered = offered(step);
        if (offered == null) {
            // a confirmed number (the sign-in code), or none that may be texted (contact the administrator)
            step.authSession().removeAuthNote(CONFIRM_NOW_NOTE);
            return signIn.action(step, settings);
        }
        if (step.formParams().containsKey(CONFIRM_NOW_FIELD)) {
            if (!SendCaps.claimConfirmationNumber(step.session().singleUseObjects(), step.realm().getId(),
                    step.user().getId(), offered)) {
                step.event().clone().user(step.user()).detail("reason", "numbers_per_hour").error(CodeFactor.EVENT_SEND_REFUSED);
                step.challenge(offerPage(step, offered, "twofactorPhoneTooManyNumbers"));
                return false;
            }
            step.authSession().setAuthNote(CONFIRM_NOW_NOTE, "true");
            confirmNow.challenge(step, settings);
            return false;
        }
        if (step.authSession().getAuthNote(CONFIRM_NOW_NOTE) == null) {
            step.challenge(offerPage(step, offered, null));
            return false;
        }
        if (!confirmNow.action(step, settings)) {
            return false;
        }
        step.authSession().removeAuthNote(CONFIRM_NOW_NOTE);
        PhoneConfirmation.confirmedBySelf(step, offered);
        return true;
    }

    /** The stored number "Confirm now" may text: only where texts can go at all. */
    private static String offered(CodeStep step) {
        return SmsGateway.isAvailable(step.session(), step.realm()) ? SmsChannel.storedUnconfirmed(step) : null;
    }

    private static Response offerPage(CodeStep step, String number, String error) {
        LoginFormsProvider form = step.form();
        if (error != null) {
            form.setError(error);
        }
        return form.setAttribute("twofactorConfirmNow", PhoneNumbers.masked(number)).createForm(TEMPLATE);
    }
}
