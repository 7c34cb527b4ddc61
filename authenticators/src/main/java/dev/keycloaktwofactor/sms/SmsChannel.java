package dev.keycloaktwofactor.sms;

import dev.keycloaktwofactor.code.CodeChannel;
import dev.keycloaktwofactor.code.CodeDeliveryException;
import dev.keycloaktwofactor.code.CodePurpose;
import dev.keycloaktwofactor.code.CodeStep;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import dev.keycloaktwofactor.phone.PhoneNumberException;
import dev.keycloaktwofactor.phone.PhoneNumbers;
import dev.keycloaktwofactor.phone.PhonePolicy;
import dev.keycloaktwofactor.phone.PhoneRecord;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.theme.Theme;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Function;

/**
 * Codes by text message through the server's SMS gateway. For sign-in the code goes only to the user's confirmed
 * number; when confirming a number, to the number being confirmed. Either only while the realm's phone rules
 * ({@link PhonePolicy}: a valid mobile number in one of the SMS countries) accept it: a number stored before the
 * rules or the lists changed is never texted.
 */
public class SmsChannel implements CodeChannel {

    public static final String PENDING_NUMBER_NOTE = "twofactor.phone.pending";

    private final Function<CodeStep, String> destination;
    private final boolean forLogin;

    private SmsChannel(Function<CodeStep, String> destination, boolean forLogin) {
        this.destination = destination;
        this.forLogin = forLogin;
    }

    /** Sign-in codes: the confirmed number, or none (then the user is told to contact the administrator). */
    public static SmsChannel toConfirmedNumber() {
        return new SmsChannel(step -> {
            PhoneRecord phone = PhoneRecord.of(step.user());
            return phone.confirmed() && PhonePolicy.of(step.realm()).permits(phone.number()) ? phone.number() : null;
        }, true);
    }

    /**
     * Confirmation codes: the number the user asked to confirm, kept in the login attempt. Named with a prefix, so that
     * the per-destination hourly cap counts confirmation texts apart from sign-in codes: someone confirming another
     * person's number cannot use up the budget that person's sign-in codes need. Delivery strips the prefix.
     */
    public static SmsChannel toPendingNumber() {
        return new SmsChannel(step -> {
            String number = step.authSession().getAuthNote(PENDING_NUMBER_NOTE);
            return number != null && PhonePolicy.of(step.realm()).permits(number) ? CONFIRMATION_PREFIX + number : null;
        }, false);
    }

    /**
     * "Confirm now" at sign-in: confirmation codes to the number already on the user's record and not confirmed yet.
     * Never a number typed on this path: what is stored there an admin wrote (users cannot edit the attribute) or the
     * user confirmed before. Counted as confirmation texts, like {@link #toPendingNumber()}, with the same code store
     * (a code sent for that number by the confirm-phone action works here and the other way round).
     */
    public static SmsChannel toStoredUnconfirmedNumber() {
        return new SmsChannel(step -> {
            String number = storedUnconfirmed(step);
            return number == null ? null : CONFIRMATION_PREFIX + number;
        }, false);
    }

    /** The user's stored number when it is not confirmed and the realm's phone rules accept it; otherwise null. */
    public static String storedUnconfirmed(CodeStep step) {
        PhoneRecord phone = PhoneRecord.of(step.user());
        return phone.number() != null && !phone.confirmed() && PhonePolicy.of(step.realm()).permits(phone.number())
                ? phone.number() : null;
    }

    private static final String CONFIRMATION_PREFIX = "confirm:";

    private static String number(String destination) {
        return destination.startsWith(CONFIRMATION_PREFIX) ? destination.substring(CONFIRMATION_PREFIX.length()) : destination;
    }

    @Override
    public String id() {
        return "sms";
    }

    /** None at all where SMS is not available in the realm: then nothing is claimed, counted or sent. */
    @Override
    public String destination(CodeStep step) {
        return SmsGateway.isAvailable(step.session(), step.realm()) ? destination.apply(step) : null;
    }

    @Override
    public String masked(String destination) {
        return PhoneNumbers.masked(number(destination));
    }

    @Override
    public String missingDestinationMessage() {
        return "twofactorContactAdminText";
    }

    @Override
    public String missingDestinationTemplate() {
        return forLogin ? "twofactor-contact-admin.ftl" : null;
    }

    /** A confirmed number the realm's rules now refuse: the page says which number and why. */
    @Override
    public void describeMissingDestination(CodeStep step, LoginFormsProvider page) {
        PhoneRecord phone = PhoneRecord.of(step.user());
        if (!forLogin || !phone.confirmed()) {
            return;
        }
        PhonePolicy.of(step.realm()).problemOf(phone.number()).ifPresent(problem -> {
            java.util.List<String> params = problem.parameters(step.session().getContext().resolveLocale(step.user()));
            page.setAttribute("twofactorPhoneRefused", PhoneNumbers.masked(phone.number()))
                    .setAttribute("twofactorPhoneProblem", problem.problem().messageKey())
                    .setAttribute("twofactorPhoneProblemCountry", params.get(0))
                    .setAttribute("twofactorPhoneProblemCountries", params.get(1));
        });
    }

    @Override
    public void deliver(KeycloakSession session, RealmModel realm, UserModel user, String to, String code,
                        CodePurpose purpose, TwoFactorSettings settings) throws CodeDeliveryException {
        if (!SmsGateway.isAvailable(session, realm)) {
            throw new CodeDeliveryException("SMS is not available in this realm", null);
        }
        SmsSender sender = SmsGateway.sender(session).orElseThrow(() ->
                new CodeDeliveryException("no SMS gateway is configured on this server", null));
        // the last gate before the gateway, whichever page asked for the text
        PhoneNumberException refused = PhonePolicy.of(realm).problemOf(number(to)).orElse(null);
        if (refused != null) {
            throw new CodeDeliveryException("the realm's phone rules refuse the number: " + refused.problem().code(), null);
        }
        try {
            sender.send(number(to), text(session, realm, user, code, purpose, settings));
        } catch (SmsDeliveryException e) {
            throw new CodeDeliveryException(e.getMessage(), e);
        }
    }

    /** The text, in the user's language, from the login theme's messages; it carries the code and nothing else secret. */
    static String text(KeycloakSession session, RealmModel realm, UserModel user, String code, CodePurpose purpose,
                       TwoFactorSettings settings) {
        String realmName = realm.getDisplayName() == null || realm.getDisplayName().isBlank() ? realm.getName() : realm.getDisplayName();
        Locale locale = session.getContext().resolveLocale(user);
        String key = purpose == CodePurpose.CONFIRM_PHONE ? "twofactorSmsConfirmText" : "twofactorSmsLoginText";
        String pattern = null;
        try {
            Properties messages = session.theme().getTheme(Theme.Type.LOGIN).getEnhancedMessages(realm, locale);
            pattern = messages.getProperty(key);
        } catch (Exception e) {
            // fall back to English below
        }
        if (pattern == null) {
            pattern = purpose == CodePurpose.CONFIRM_PHONE ? "{0}: your phone confirmation code is {1}. It expires in {2} min."
                    : "{0}: your sign-in code is {1}. It expires in {2} min.";
        }
        return new MessageFormat(pattern, locale).format(new Object[] {realmName, code, Math.max(1, settings.codeTtlSeconds() / 60)});
    }
}
