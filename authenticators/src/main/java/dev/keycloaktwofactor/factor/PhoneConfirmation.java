package dev.keycloaktwofactor.factor;

import dev.keycloaktwofactor.code.CodeStep;
import dev.keycloaktwofactor.email.UserNotice;
import dev.keycloaktwofactor.phone.PhoneRecord;
import org.keycloak.models.UserModel;

/**
 * A phone number confirmed by its owner with a texted code: what the confirm-phone action and "Confirm now" at
 * sign-in ({@link SmsFactor}) share.
 */
public final class PhoneConfirmation {

    /** The message key of the button on a confirmation code page. */
    public static final String CONFIRM_LABEL = "twofactorPhoneConfirm";

    private PhoneConfirmation() {
    }

    /**
     * The user proved with a texted code that {@code number} (already their stored number) is theirs: it is confirmed
     * by "self", an event records it and they are told by email.
     */
    public static void confirmedBySelf(CodeStep step, String number) {
        UserModel user = step.user();
        PhoneRecord.confirm(user, "self");
        step.event().clone().event(org.keycloak.events.EventType.UPDATE_PROFILE).user(user)
                .detail("twofactor_phone", "confirmed").success();
        UserNotice.PHONE_CONFIRMED.sendAboutPhone(step.session(), step.realm(), user, number, "self");
    }
}
