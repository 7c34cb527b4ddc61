package dev.keycloaktwofactor.code;

import dev.keycloaktwofactor.policy.SecondFactor;
import dev.keycloaktwofactor.policy.TwoFactorSettings;
import org.jboss.logging.Logger;
import org.keycloak.events.Errors;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.sessions.AuthenticationSessionModel;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

/**
 * A code sent through a {@link CodeChannel} as the second factor of a login: the one code engine that email and SMS
 * share. Sending happens once per page: a refresh, the back button or a double submit shows the page again and
 * sends nothing; only the resend button asks for another code, and the server decides whether it may go out.
 */
public class CodeFactor implements SecondFactor {

    private static final Logger LOG = Logger.getLogger(CodeFactor.class);

    public static final String CODE_FIELD = "code";
    public static final String RESEND_FIELD = "resend";
    public static final String EVENT_DELIVERY_FAILED = "twofactor_delivery_failed";
    public static final String EVENT_SEND_REFUSED = "twofactor_send_refused";

    private final CodeChannel channel;
    private final CodePurpose purpose;
    private final String submitLabel;

    public CodeFactor(CodeChannel channel, CodePurpose purpose) {
        this(channel, purpose, null);
    }

    /** @param submitLabel message key of the code page's button, null for the default "Sign in" */
    public CodeFactor(CodeChannel channel, CodePurpose purpose, String submitLabel) {
        this.channel = dev.keycloaktwofactor.metrics.TwoFactorMetrics.measured(channel);
        this.purpose = purpose;
        this.submitLabel = submitLabel;
    }

    private String note(String name) {
        return "twofactor." + channel.id() + "." + purpose.id() + "." + name;
    }

    @Override
    public void challenge(CodeStep step, TwoFactorSettings settings) {
        start(step, settings);
    }

    @Override
    public boolean action(CodeStep step, TwoFactorSettings settings) {
        return handle(step, settings);
    }

    /** Forgets this page's code and counters, e.g. when the destination changed; the server-side wait stays. */
    public void forget(CodeStep context) {
        new CodeChallenge(context.session(), context.authSession(), purpose).discard();
        context.authSession().removeAuthNote(note("sent"));
        context.authSession().removeAuthNote(note("resends"));
    }

    /** Shows the code page, sending the first code of this page if none was sent yet. */
    public void start(CodeStep context, TwoFactorSettings settings) {
        String destination = channel.destination(context);
        if (destination == null) {
            context.event().user(context.user()).error("twofactor_no_" + channel.id());
            context.challenge(channel.missingDestinationTemplate() != null
                    ? context.form().createForm(channel.missingDestinationTemplate())
                    : messagePage(context, channel.missingDestinationMessage()));
            return;
        }
        AuthenticationSessionModel authSession = context.authSession();
        if (authSession.getAuthNote(note("sent")) != null) {
            // Refresh or back: this page was shown before, and its code (if any) still stands.
            context.challenge(codePage(context, settings, null));
            return;
        }
        authSession.setAuthNote(note("sent"), "true");
        send(context, settings, false);
    }

    /**
     * Handles a post of the code page: a resend or a code.
     *
     * @return true when the code was accepted; otherwise a page has been set as the challenge
     */
    public boolean handle(CodeStep context, TwoFactorSettings settings) {
        MultivaluedMap<String, String> form = context.formParams();
        if (channel.destination(context) == null) {
            start(context, settings);
            return false;
        }
        if (form.containsKey(RESEND_FIELD)) {
            resend(context, settings);
            return false;
        }
        String code = OneTimeCode.normalize(form.getFirst(CODE_FIELD));
        if (code == null) {
            context.challenge(codePage(context, settings, new FormMessage(CODE_FIELD, "twofactorCodeMissing")));
            return false;
        }
        CodeChallenge challenge = new CodeChallenge(context.session(), context.authSession(), purpose);
        switch (dev.keycloaktwofactor.metrics.TwoFactorMetrics.codeChecked(channel.id(), challenge.verify(code, settings))) {
            case ACCEPTED -> {
                schedule(context).reset();
                context.authSession().removeAuthNote(note("sent"));
                context.authSession().removeAuthNote(note("resends"));
                return true;
            }
            case WRONG -> {
                context.event().user(context.user()).error(Errors.INVALID_USER_CREDENTIALS);
                context.wrongCode(codePage(context, settings, new FormMessage(CODE_FIELD, "twofactorCodeInvalid")));
            }
            case ATTEMPTS_EXHAUSTED -> {
                context.authSession().setAuthNote(note("exhausted"), "true");
                context.event().user(context.user()).error(Errors.INVALID_USER_CREDENTIALS);
                context.wrongCode(messagePage(context, "twofactorCodeAttemptsExhausted"));
            }
            case EXPIRED, NONE_PENDING -> context.challenge(codePage(context, settings,
                    new FormMessage(CODE_FIELD, "twofactorCodeExpired")));
        }
        return false;
    }

    private void resend(CodeStep context, TwoFactorSettings settings) {
        AuthenticationSessionModel authSession = context.authSession();
        if (authSession.getAuthNote(note("exhausted")) != null) {
            context.challenge(messagePage(context, "twofactorCodeAttemptsExhausted"));
            return;
        }
        int resends = resends(authSession);
        if (resends >= settings.maxResends()) {
            dev.keycloaktwofactor.metrics.TwoFactorMetrics.sendRefused("resend_limit");
            context.event().user(context.user()).error(EVENT_SEND_REFUSED);
            context.challenge(codePage(context, settings, new FormMessage(null, "twofactorResendLimit")));
            return;
        }
        if (send(context, settings, true)) {
            authSession.setAuthNote(note("resends"), Integer.toString(resends + 1));
        }
    }

    /** @return true when a code went out */
    private boolean send(CodeStep context, TwoFactorSettings settings, boolean isResend) {
        UserModel user = context.user();
        ResendSchedule schedule = schedule(context);
        ResendSchedule.Decision decision = schedule.tryClaim(settings);
        if (!decision.allowed()) {
            dev.keycloaktwofactor.metrics.TwoFactorMetrics.sendRefused(decision.refusal().name());
            context.event().user(user).detail("reason", decision.refusal().name().toLowerCase()).error(EVENT_SEND_REFUSED);
            FormMessage why = decision.refusal() == ResendSchedule.Refusal.COOLDOWN
                    ? new FormMessage(null, isResend ? "twofactorResendTooSoon" : "twofactorCodeRecentlySent", decision.waitSeconds())
                    : new FormMessage(null, "twofactorResendLimit");
            context.challenge(codePage(context, settings, why));
            return false;
        }
        CodeChallenge challenge = new CodeChallenge(context.session(), context.authSession(), purpose);
        String code = challenge.issue(settings);
        try {
            channel.deliver(context.session(), context.realm(), user, channel.destination(context), code, purpose, settings);
        } catch (CodeDeliveryException e) {
            challenge.discard();
            schedule.release(decision);
            context.authSession().removeAuthNote(note("sent"));
            LOG.warnf("Two-factor code not delivered (%s, realm %s): %s", channel.id(), context.realm().getName(), e.getMessage());
            context.event().user(user).error(EVENT_DELIVERY_FAILED);
            context.challenge(messagePage(context, channel.deliveryFailedMessage()));
            return false;
        }
        schedule.recordSent(decision, settings);
        context.challenge(codePage(context, settings, isResend ? new FormMessage(null, "twofactorCodeSent") : null));
        return true;
    }

    private ResendSchedule schedule(CodeStep context) {
        return new ResendSchedule(context.session(), context.realm(), context.user(), channel.id(),
                channel.destination(context), context.remoteAddr());
    }

    private int resends(AuthenticationSessionModel authSession) {
        String v = authSession.getAuthNote(note("resends"));
        return v == null ? 0 : Integer.parseInt(v);
    }

    private Response codePage(CodeStep context, TwoFactorSettings settings, FormMessage message) {
        LoginFormsProvider form = context.form();
        if (message != null) {
            // FormMessage turns a null field into GLOBAL: only a real field name marks a field error
            if (!FormMessage.GLOBAL.equals(message.getField())) {
                form.addError(message);
            } else if ("twofactorCodeSent".equals(message.getMessage())) {
                form.setInfo(message.getMessage(), message.getParameters());
            } else {
                form.setError(message.getMessage(), message.getParameters());
            }
        }
        AuthenticationSessionModel authSession = context.authSession();
        boolean resendAllowed = resends(authSession) < settings.maxResends() && authSession.getAuthNote(note("exhausted")) == null;
        String destination = channel.destination(context);
        return form.setAttribute("twofactorChannel", channel.id())
                .setAttribute("twofactorDestination", destination == null ? null : channel.masked(destination))
                .setAttribute("twofactorResendAllowed", resendAllowed)
                .setAttribute("twofactorResendIn", schedule(context).secondsToWait(settings))
                .setAttribute("twofactorCodeLength", settings.codeLength())
                .setAttribute("twofactorSubmitLabel", submitLabel == null ? "twofactorSubmit" : submitLabel)
                .createForm("twofactor-code.ftl");
    }

    private Response messagePage(CodeStep context, String messageKey) {
        return context.form().setAttribute("twofactorMessage", messageKey).createForm("twofactor-message.ftl");
    }
}
