package dev.keycloaktwofactor.flow;

import dev.keycloaktwofactor.code.CodePurpose;
import dev.keycloaktwofactor.code.CodeStep;
import dev.keycloaktwofactor.code.SendCaps;
import dev.keycloaktwofactor.email.UserNotice;
import dev.keycloaktwofactor.factor.CodeFactor;
import dev.keycloaktwofactor.factor.PhoneConfirmation;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import dev.keycloaktwofactor.phone.PhoneNumberException;
import dev.keycloaktwofactor.phone.PhoneNumbers;
import dev.keycloaktwofactor.phone.PhonePolicy;
import dev.keycloaktwofactor.phone.PhoneRecord;
import dev.keycloaktwofactor.sms.SmsChannel;
import dev.keycloaktwofactor.sms.SmsGateway;
import org.keycloak.Config;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

/**
 * A user confirms their own phone number (application-initiated action {@code twofactor-confirm-phone}): enter the
 * number, "Send code", the SMS, the code with the server's resend wait, "Confirm phone". A confirmed number is
 * locked and marked "Confirmed"; the same action lets its owner unpin it, after a second "Unpin" that names what
 * follows (so one stray click does not cost them their way in).
 */
public class ConfirmPhoneAction implements RequiredActionProvider, RequiredActionFactory {

    public static final String PROVIDER_ID = "twofactor-confirm-phone";
    private static final String TEMPLATE = "twofactor-phone.ftl";

    private static final CodeFactor CONFIRM_CODE =
            new CodeFactor(SmsChannel.toPendingNumber(), CodePurpose.CONFIRM_PHONE, PhoneConfirmation.CONFIRM_LABEL);

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.SUPPORTED;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        if (refuseWithoutSms(context)) {
            return;
        }
        PhoneRecord phone = PhoneRecord.of(context.getUser());
        if (phone.confirmed()) {
            context.challenge(confirmedPage(context, null));
        } else if (context.getAuthenticationSession().getAuthNote(SmsChannel.PENDING_NUMBER_NOTE) != null) {
            CONFIRM_CODE.challenge(CodeStep.of(context), TwoFactorSettings.of(context.getRealm()));
        } else {
            context.challenge(enterPage(context, null));
        }
    }

    @Override
    public void processAction(RequiredActionContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        UserModel user = context.getUser();
        PhoneRecord phone = PhoneRecord.of(user);
        if (form.containsKey("done")) {
            context.success();
            return;
        }
        if (refuseWithoutSms(context)) {
            return;
        }
        if (form.containsKey("unpin")) {
            // a second step, as a form (no script needed): the number is unpinned only by "unpin-confirmed"
            context.challenge(phone.confirmed() ? confirmedPage(context, null, "unpin") : enterPage(context, null));
            return;
        }
        if (form.containsKey("unpin-confirmed")) {
            if (phone.confirmed()) {
                PhoneRecord.detach(user);
                context.getEvent().clone().event(org.keycloak.events.EventType.UPDATE_PROFILE).user(user)
                        .detail("twofactor_phone", "unpinned").success();
                // told by email even when they did it themselves: the email is how a stolen session gets noticed
                UserNotice.PHONE_CHANGED.sendAboutPhone(context.getSession(), context.getRealm(), user, null, null);
            }
            context.challenge(enterPage(context, new FormMessage(null, "twofactorPhoneUnpinned")));
            return;
        }
        if (phone.confirmed()) {
            // locked: only "unpin" changes a confirmed number
            context.challenge(confirmedPage(context, null));
            return;
        }
        CodeStep step = CodeStep.of(context);
        TwoFactorSettings settings = TwoFactorSettings.of(context.getRealm());
        if (form.containsKey("send")) {
            String number;
            try {
                number = PhonePolicy.of(context.getRealm()).parse(form.getFirst(PhoneNumbers.FIELD));
            } catch (PhoneNumberException e) {
                // the page says what is wrong with the number: landline, toll-free, a country the realm does not text...
                // ...and keeps what they typed, so they correct it rather than type it again
                context.challenge(enterPage(context, new FormMessage(PhoneNumbers.FIELD, e.problem().messageKey(),
                        e.parameters(context.getSession().getContext().resolveLocale(context.getUser())).toArray()),
                        typedBack(form.getFirst(PhoneNumbers.FIELD))));
                return;
            }
            if (!SendCaps.claimConfirmationNumber(context.getSession().singleUseObjects(), context.getRealm().getId(),
                    user.getId(), number)) {
                context.getEvent().clone().event(org.keycloak.events.EventType.CUSTOM_REQUIRED_ACTION_ERROR).user(user)
                        .detail("custom_required_action", PROVIDER_ID).detail("reason", "numbers_per_hour")
                        .error(CodeFactor.EVENT_SEND_REFUSED);
                dev.keycloaktwofactor.metrics.TwoFactorMetrics.sendRefused("confirm_numbers_hourly_cap");
                dev.keycloaktwofactor.code.SendRefusals.count(context.getSession().singleUseObjects(), context.getRealm().getId(),
                        dev.keycloaktwofactor.code.SendRefusals.Cap.CONFIRM_NUMBERS);
                context.challenge(enterPage(context, new FormMessage(PhoneNumbers.FIELD, "twofactorPhoneTooManyNumbers")));
                return;
            }
            if (!number.equals(context.getAuthenticationSession().getAuthNote(SmsChannel.PENDING_NUMBER_NOTE))) {
                CONFIRM_CODE.forget(step);
            }
            context.getAuthenticationSession().setAuthNote(SmsChannel.PENDING_NUMBER_NOTE, number);
            CONFIRM_CODE.challenge(step, settings);
            return;
        }
        String pending = context.getAuthenticationSession().getAuthNote(SmsChannel.PENDING_NUMBER_NOTE);
        if (pending == null) {
            context.challenge(enterPage(context, null));
            return;
        }
        PhoneNumberException refused = PhonePolicy.of(context.getRealm()).problemOf(pending).orElse(null);
        if (refused != null) {
            // the realm's rules changed since the code was sent: the number is not confirmed, the user picks another
            CONFIRM_CODE.forget(step);
            context.getAuthenticationSession().removeAuthNote(SmsChannel.PENDING_NUMBER_NOTE);
            context.challenge(enterPage(context, new FormMessage(PhoneNumbers.FIELD, refused.problem().messageKey(),
                    refused.parameters(context.getSession().getContext().resolveLocale(user)).toArray())));
            return;
        }
        if (CONFIRM_CODE.action(step, settings)) {
            PhoneRecord.attach(user, pending);
            context.getAuthenticationSession().removeAuthNote(SmsChannel.PENDING_NUMBER_NOTE);
            PhoneConfirmation.confirmedBySelf(step, pending);
            context.challenge(confirmedPage(context, new FormMessage(null, "twofactorPhoneConfirmedNow")));
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

    private static Response enterPage(RequiredActionContext context, FormMessage message) {
        return enterPage(context, message, null);
    }

    /** What the user typed, shown back as typed (the template escapes it); bounded like any echoed input. */
    static String typedBack(String typed) {
        if (typed == null) {
            return "";
        }
        String trimmed = typed.strip();
        return trimmed.length() > TYPED_BACK_MAX ? trimmed.substring(0, TYPED_BACK_MAX) : trimmed;
    }

    private static final int TYPED_BACK_MAX = 64;

    private static Response enterPage(RequiredActionContext context, FormMessage message, String typed) {
        var form = context.form();
        if (message != null) {
            // FormMessage turns a null field into GLOBAL: only a real field name marks a field error
            if (!FormMessage.GLOBAL.equals(message.getField())) {
                form.addError(message);
            } else {
                form.setInfo(message.getMessage());
            }
        }
        PhoneRecord phone = PhoneRecord.of(context.getUser());
        String pending = context.getAuthenticationSession().getAuthNote(SmsChannel.PENDING_NUMBER_NOTE);
        return form.setAttribute("twofactorPhoneState", "enter")
                .setAttribute("twofactorPhoneValue", typed != null ? typed
                        : PhoneNumbers.international(pending != null ? pending : phone.number() == null ? "" : phone.number()))
                .createForm(TEMPLATE);
    }

    private static Response confirmedPage(RequiredActionContext context, FormMessage message) {
        return confirmedPage(context, message, "confirmed");
    }

    /** @param state "confirmed", or "unpin" for the question whether to unpin it */
    private static Response confirmedPage(RequiredActionContext context, FormMessage message, String state) {
        var form = context.form();
        if (message != null) {
            form.setSuccess(message.getMessage());
        }
        return form.setAttribute("twofactorPhoneState", state)
                .setAttribute("twofactorPhoneMasked", PhoneNumbers.masked(PhoneRecord.of(context.getUser()).number()))
                .createForm(TEMPLATE);
    }

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public String getDisplayText() {
        return "Confirm phone number for sign-in codes";
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
