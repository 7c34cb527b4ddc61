package dev.keycloaktwofactor.factor;

import dev.keycloaktwofactor.code.CodeChannel;
import dev.keycloaktwofactor.code.CodePurpose;
import dev.keycloaktwofactor.code.CodeStep;
import dev.keycloaktwofactor.code.SendCaps;
import dev.keycloaktwofactor.code.SendRefusals;
import dev.keycloaktwofactor.email.UserNotice;
import dev.keycloaktwofactor.metrics.TwoFactorMetrics;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import dev.keycloaktwofactor.phone.PhoneNumberException;
import dev.keycloaktwofactor.phone.PhoneNumbers;
import dev.keycloaktwofactor.phone.PhonePolicy;
import dev.keycloaktwofactor.phone.PhoneRecord;
import dev.keycloaktwofactor.sms.SmsChannel;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.sessions.AuthenticationSessionModel;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

/**
 * A phone number confirmed by its owner with a texted code. Two ways lead here: the confirm-phone action, where the
 * user types the number on the phone page ({@link #ofTypedNumber}), and "Confirm now" at sign-in ({@link SmsFactor}),
 * which texts the number already on the user's record ({@link #ofStoredNumber}). The rules of both live here, each
 * once (docs/security-model.md, "Texts and phone numbers" and "Sends and shared limits"):
 * <ol>
 *   <li>a typed number is read by the realm's phone rules ({@link PhonePolicy}) into E.164 and kept in the login
 *       attempt until its code comes back; one the rules stop accepting meanwhile is dropped, unconfirmed;</li>
 *   <li>each new number takes one of the user's confirmation-number slots ({@link SendCaps#claimConfirmationNumber});</li>
 *   <li>the code is a confirmation code ({@link CodePurpose#CONFIRM_PHONE}) sent and checked by {@link CodeFactor},
 *       with its waits, caps and lock;</li>
 *   <li>the right code stores the number (a typed one) and marks it confirmed by "self"; an event records it and the
 *       user is told by email.</li>
 * </ol>
 * The confirm-phone action's page (twofactor-phone.ftl) is drawn here too: a confirmed number is locked and shown
 * masked, and only a second "Unpin" removes it (so one stray click does not cost its owner their way in).
 */
public final class PhoneConfirmation {

    /** The message key of the button on a confirmation code page. */
    public static final String CONFIRM_LABEL = "twofactorPhoneConfirm";
    /** The phone page's "Done": the action that shows the page ends itself on it. */
    public static final String DONE_FIELD = "done";

    private static final String TEMPLATE = "twofactor-phone.ftl";
    private static final String SEND_FIELD = "send";
    private static final String UNPIN_FIELD = "unpin";
    private static final String UNPIN_CONFIRMED_FIELD = "unpin-confirmed";
    /** The words of a refusal by {@link #claimNumber}: "at most 3 different numbers an hour". */
    static final String TOO_MANY_NUMBERS = "twofactorPhoneTooManyNumbers";
    /** What the user typed is shown back at most this long. */
    private static final int TYPED_BACK_MAX = 64;

    private final CodeFactor code;
    /** The confirm-phone action's id (its events name it) on the way where the number is typed; null for "Confirm now". */
    private final String actionId;

    private PhoneConfirmation(CodeChannel channel, String actionId) {
        this.code = new CodeFactor(channel, CodePurpose.CONFIRM_PHONE, CONFIRM_LABEL);
        this.actionId = actionId;
    }

    /** The confirm-phone action {@code actionId}: a number typed on the phone page, stored once its code comes back. */
    public static PhoneConfirmation ofTypedNumber(String actionId) {
        return new PhoneConfirmation(SmsChannel.toPendingNumber(), actionId);
    }

    /** "Confirm now" at sign-in: the number already on the user's record and not confirmed yet. */
    static PhoneConfirmation ofStoredNumber() {
        return new PhoneConfirmation(SmsChannel.toStoredUnconfirmedNumber(), null);
    }

    // ---- the confirm-phone action's page (where SMS is available: the action checks that first) ----

    /** The page as it stands: the confirmed number, the code page of a number being confirmed, or the number field. */
    public void challenge(CodeStep step, TwoFactorSettings settings) {
        if (PhoneRecord.of(step.user()).confirmed()) {
            step.challenge(confirmedPage(step, null, "confirmed"));
        } else if (pending(step) != null) {
            showCode(step, settings);
        } else {
            step.challenge(enterPage(step, null, null));
        }
    }

    /** A post of the page, other than "Done": unpin, "Send code" with a number, or the code page. */
    public void action(CodeStep step, TwoFactorSettings settings) {
        MultivaluedMap<String, String> form = step.formParams();
        boolean confirmed = PhoneRecord.of(step.user()).confirmed();
        if (form.containsKey(UNPIN_FIELD)) {
            // a second step, as a form (no script needed): the number is unpinned only by "unpin-confirmed"
            step.challenge(confirmed ? confirmedPage(step, null, "unpin") : enterPage(step, null, null));
        } else if (form.containsKey(UNPIN_CONFIRMED_FIELD)) {
            if (confirmed) {
                unpin(step);
            }
            step.challenge(enterPage(step, new FormMessage(null, "twofactorPhoneUnpinned"), null));
        } else if (confirmed) {
            // locked: only "unpin" changes a confirmed number
            step.challenge(confirmedPage(step, null, "confirmed"));
        } else if (form.containsKey(SEND_FIELD)) {
            sendToTyped(step, settings, form.getFirst(PhoneNumbers.FIELD));
        } else {
            confirmPending(step, settings);
        }
    }

    /** "Send code": the typed number by the realm's rules (1), its slot (2), its code (3). */
    private void sendToTyped(CodeStep step, TwoFactorSettings settings, String typed) {
        String number;
        try {
            number = PhonePolicy.of(step.realm()).parse(typed);
        } catch (PhoneNumberException e) {
            // the page says what is wrong with the number: landline, toll-free, a country the realm does not text...
            // ...and keeps what they typed, so they correct it rather than type it again
            step.challenge(enterPage(step, problem(step, e), typedBack(typed)));
            return;
        }
        if (!claimNumber(step, number)) {
            step.challenge(enterPage(step, new FormMessage(PhoneNumbers.FIELD, TOO_MANY_NUMBERS), null));
            return;
        }
        if (!number.equals(pending(step))) {
            code.forget(step);
        }
        step.authSession().setAuthNote(SmsChannel.PENDING_NUMBER_NOTE, number);
        showCode(step, settings);
    }

    /** The code page of the number being confirmed: the right code stores it, confirmed (4). */
    private void confirmPending(CodeStep step, TwoFactorSettings settings) {
        String pending = pending(step);
        if (pending == null) {
            step.challenge(enterPage(step, null, null));
            return;
        }
        PhoneNumberException refused = PhonePolicy.of(step.realm()).problemOf(pending).orElse(null);
        if (refused != null) {
            // the realm's rules changed since the code was sent: the number is not confirmed, the user picks another
            code.forget(step);
            step.authSession().removeAuthNote(SmsChannel.PENDING_NUMBER_NOTE);
            step.challenge(enterPage(step, problem(step, refused), null));
            return;
        }
        if (codeConfirms(step, settings, pending)) {
            step.authSession().removeAuthNote(SmsChannel.PENDING_NUMBER_NOTE);
            step.challenge(confirmedPage(step, "twofactorPhoneConfirmedNow", "confirmed"));
        }
    }

    /** The number typed on the page and waiting for its code, in E.164; null when none is. */
    private static String pending(CodeStep step) {
        return step.authSession().getAuthNote(SmsChannel.PENDING_NUMBER_NOTE);
    }

    /**
     * Removes a confirmed number. Its owner is told by email even when they did it themselves: the email is how a
     * stolen session gets noticed.
     */
    private static void unpin(CodeStep step) {
        UserModel user = step.user();
        PhoneRecord.detach(user);
        phoneEvent(step, "unpinned");
        UserNotice.PHONE_CHANGED.sendAboutPhone(step.session(), step.realm(), user, null, null);
    }

    // ---- the steps both ways share ----

    /**
     * (2) Takes one of the user's confirmation-number slots for {@code number}; a number already texted this hour takes
     * none. A refusal is recorded as an event; the caller's page says why ({@link #TOO_MANY_NUMBERS}).
     *
     * @return false when the user has texted as many numbers this hour as they may
     */
    boolean claimNumber(CodeStep step, String number) {
        UserModel user = step.user();
        if (SendCaps.claimConfirmationNumber(step.session().singleUseObjects(), step.realm().getId(), user.getId(), number)) {
            return true;
        }
        EventBuilder refusal = step.event().clone().user(user).detail("reason", "numbers_per_hour");
        if (actionId != null) {
            // the confirm-phone action's own event; "Confirm now" at sign-in records an error of the sign-in step's
            refusal.event(EventType.CUSTOM_REQUIRED_ACTION_ERROR).detail("custom_required_action", actionId);
        }
        refusal.error(CodeFactor.EVENT_SEND_REFUSED);
        // either way a refused send, counted as README ("Send caps", Metrics) says every refused send is
        TwoFactorMetrics.sendRefused("confirm_numbers_hourly_cap");
        SendRefusals.count(step.session().singleUseObjects(), step.realm().getId(), SendRefusals.Cap.CONFIRM_NUMBERS);
        return false;
    }

    /** (3) The code page of the number being confirmed, sending its first code if none went out yet. */
    void showCode(CodeStep step, TwoFactorSettings settings) {
        code.challenge(step, settings);
    }

    /**
     * (3, 4) A post of the code page. The right code proves that {@code number} is the user's: a typed number is
     * stored, and it is confirmed by "self", with an event and an email.
     *
     * @return true when the number is confirmed; otherwise the code page has been set as the challenge
     */
    boolean codeConfirms(CodeStep step, TwoFactorSettings settings, String number) {
        if (!code.action(step, settings)) {
            return false;
        }
        UserModel user = step.user();
        if (actionId != null) {
            PhoneRecord.attach(user, number);
        }
        PhoneRecord.confirm(user, "self");
        phoneEvent(step, "confirmed");
        UserNotice.PHONE_CONFIRMED.sendAboutPhone(step.session(), step.realm(), user, number, "self");
        return true;
    }

    private static void phoneEvent(CodeStep step, String what) {
        step.event().clone().event(EventType.UPDATE_PROFILE).user(step.user()).detail("twofactor_phone", what).success();
    }

    // ---- the phone page ----

    /** Why the rules refuse a number, in the user's language, as an error of the number field. */
    private static FormMessage problem(CodeStep step, PhoneNumberException e) {
        return new FormMessage(PhoneNumbers.FIELD, e.problem().messageKey(),
                e.parameters(step.session().getContext().resolveLocale(step.user())).toArray());
    }

    /** What the user typed, shown back as typed (the template escapes it); bounded like any echoed input. */
    static String typedBack(String typed) {
        if (typed == null) {
            return "";
        }
        String trimmed = typed.strip();
        return trimmed.length() > TYPED_BACK_MAX ? trimmed.substring(0, TYPED_BACK_MAX) : trimmed;
    }

    /**
     * The number field, filled with what was typed, else the number being confirmed, else the stored one.
     *
     * @param message an error of the number field, or a line for the page (no field)
     */
    private static Response enterPage(CodeStep step, FormMessage message, String typed) {
        LoginFormsProvider form = step.form();
        if (message != null) {
            // FormMessage turns a null field into GLOBAL: only a real field name marks a field error
            if (!FormMessage.GLOBAL.equals(message.getField())) {
                form.addError(message);
            } else {
                form.setInfo(message.getMessage());
            }
        }
        String pending = pending(step);
        String stored = PhoneRecord.of(step.user()).number();
        return form.setAttribute("twofactorPhoneState", "enter")
                .setAttribute("twofactorPhoneValue", typed != null ? typed
                        : PhoneNumbers.international(pending != null ? pending : stored == null ? "" : stored))
                .createForm(TEMPLATE);
    }

    /**
     * The confirmed number, masked.
     *
     * @param success message key of a success line, or null
     * @param state "confirmed", or "unpin" for the question whether to unpin it
     */
    private static Response confirmedPage(CodeStep step, String success, String state) {
        LoginFormsProvider form = step.form();
        if (success != null) {
            form.setSuccess(success);
        }
        return form.setAttribute("twofactorPhoneState", state)
                .setAttribute("twofactorPhoneMasked", PhoneNumbers.masked(PhoneRecord.of(step.user()).number()))
                .createForm(TEMPLATE);
    }
}
