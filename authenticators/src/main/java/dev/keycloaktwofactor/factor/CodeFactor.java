package dev.keycloaktwofactor.factor;

import dev.keycloaktwofactor.code.CodeChannel;
import dev.keycloaktwofactor.code.CodeDelivery;
import dev.keycloaktwofactor.code.CodeExchange;
import dev.keycloaktwofactor.code.CodePurpose;
import dev.keycloaktwofactor.code.CodeStep;
import dev.keycloaktwofactor.code.CodeStore;
import dev.keycloaktwofactor.code.DeliveryState;
import dev.keycloaktwofactor.code.DeliveryStatusResource;
import dev.keycloaktwofactor.code.OneTimeCode;
import dev.keycloaktwofactor.code.ResendSchedule;
import dev.keycloaktwofactor.code.SecondFactorLock;
import dev.keycloaktwofactor.code.SendCaps;
import dev.keycloaktwofactor.metrics.TwoFactorMetrics;
import dev.keycloaktwofactor.model.TrustedNetworks;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import org.keycloak.common.util.Time;
import org.keycloak.events.Errors;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.sessions.AuthenticationSessionModel;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * A code sent through a {@link CodeChannel} as the second factor of a login: the one code engine that email and SMS
 * share. The code lives with the user, not the browser tab ({@link CodeStore}): one live code per user, channel,
 * purpose and destination, accepted by any login attempt of that user and spent once for all. A page sends only
 * when no live code exists; otherwise it says when the live one went out and until when it works. A refresh, the
 * back button or a double submit sends nothing; only the resend button asks for another code (which replaces the
 * live one), and the server decides whether it may go out. Wrong entries count per user ({@link SecondFactorLock}).
 * <p>
 * The decisions are the code engine's ({@link CodeExchange}, one per request); this class keeps the Keycloak side:
 * the login's notes, the pages and their messages, events, metrics, and handing a code over for delivery.
 */
public class CodeFactor implements SecondFactor {

    public static final String CODE_FIELD = "code";
    public static final String RESEND_FIELD = "resend";
    public static final String EVENT_DELIVERY_FAILED = CodeDelivery.EVENT_DELIVERY_FAILED;
    public static final String EVENT_SEND_REFUSED = "twofactor_send_refused";

    /** Times on the page, in the server's local time ("at 14:02", "until 14:07"). */
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());

    private final CodeChannel channel;
    private final CodePurpose purpose;
    private final String submitLabel;

    public CodeFactor(CodeChannel channel, CodePurpose purpose) {
        this(channel, purpose, null);
    }

    /** @param submitLabel message key of the code page's button, null for the default "Sign in" */
    public CodeFactor(CodeChannel channel, CodePurpose purpose, String submitLabel) {
        this.channel = TwoFactorMetrics.measured(channel);
        this.purpose = purpose;
        this.submitLabel = submitLabel;
    }

    @Override
    public String id() {
        return channel.id();
    }

    private String note(String name) {
        return "twofactor." + channel.id() + "." + purpose.id() + "." + name;
    }

    /**
     * This request's dealings with the user's codes on this channel: made once per request, with the destination
     * looked up once and the server's caps handed in.
     */
    private CodeExchange exchange(CodeStep context, TwoFactorSettings settings, String destination) {
        return new CodeExchange(context.session().singleUseObjects(), context.realm().getId(), context.user().getId(),
                channel.id(), purpose, destination, context.remoteAddr(),
                TrustedNetworks.exempts(context.realm(), settings, context.remoteAddr()), settings, SendCaps.of(context.session()));
    }

    /**
     * Forgets this page's counters, e.g. when the destination changed; the server-side wait stays, and so does the
     * live code of the old destination (codes are bound to their destination, so it is nothing for the new one).
     */
    public void forget(CodeStep context) {
        context.authSession().removeAuthNote(note("delivery"));
        context.authSession().removeAuthNote(note("sent"));
        context.authSession().removeAuthNote(note("resends"));
    }

    /** Shows the code page, sending the first code of this page if none was sent yet. */
    @Override
    public void challenge(CodeStep context, TwoFactorSettings settings) {
        String destination = channel.destination(context);
        if (destination == null) {
            missingDestination(context);
            return;
        }
        CodeExchange codes = exchange(context, settings, destination);
        if (codes.locked()) {
            // no code goes out to a user who may not enter one
            locked(context, codes);
            return;
        }
        AuthenticationSessionModel authSession = context.authSession();
        if (authSession.getAuthNote(note("sent")) != null) {
            // Refresh or back: this page was shown before, and its code (if any) still stands.
            context.challenge(codePage(context, settings, codes, null));
            return;
        }
        authSession.setAuthNote(note("sent"), "true");
        if (codes.live() != null) {
            // A code sent for another attempt (tab, browser, device) still works here: no second one, and the page
            // says when it went out and until when it is valid.
            context.challenge(codePage(context, settings, codes, null));
            return;
        }
        send(context, settings, codes, false);
    }

    /**
     * Handles a post of the code page: a resend or a code.
     *
     * @return true when the code was accepted; otherwise a page has been set as the challenge
     */
    @Override
    public boolean action(CodeStep context, TwoFactorSettings settings) {
        MultivaluedMap<String, String> form = context.formParams();
        String destination = channel.destination(context);
        if (destination == null) {
            missingDestination(context);
            return false;
        }
        CodeExchange codes = exchange(context, settings, destination);
        if (form.containsKey(RESEND_FIELD)) {
            resend(context, settings, codes);
            return false;
        }
        if (delivery(context) == DeliveryState.Status.FAILED && codes.live() == null) {
            // the code never went out and none from before works (also without JavaScript, this is where the user
            // learns it): nothing to check. With an earlier code still live, it is checked, and the page says both.
            context.challenge(codePage(context, settings, codes, null));
            return false;
        }
        String code = OneTimeCode.normalize(form.getFirst(CODE_FIELD));
        if (code == null) {
            context.challenge(codePage(context, settings, codes, new FormMessage(CODE_FIELD, "twofactorCodeMissing")));
            return false;
        }
        CodeExchange.Check check = codes.check(code);
        if (check.checked() != null) {
            TwoFactorMetrics.codeChecked(channel.id(), check.checked());
        }
        switch (check.verdict()) {
            case LOCKED -> locked(context, codes);
            case ACCEPTED -> {
                forget(context);
                return true;
            }
            case WRONG -> {
                context.event().user(context.user()).error(Errors.INVALID_USER_CREDENTIALS);
                context.wrongCode(codePage(context, settings, codes, invalid(check.triesLeft())));
            }
            case LOCKED_NOW -> {
                context.event().user(context.user()).error(Errors.INVALID_USER_CREDENTIALS);
                TwoFactorMetrics.lockedOut();
                context.event().clone().user(context.user()).error(SecondFactorLock.EVENT);
                context.wrongCode(SecondFactorLock.page(context.form(), codes.lockMinutesLeft()));
            }
            // the user's own older code, not a guess: it does not count, and the page says what to do
            case SUPERSEDED -> context.challenge(codePage(context, settings, codes, new FormMessage(CODE_FIELD, "twofactorCodeSuperseded")));
            // not a guess at a live code: it does not count against the user
            case EXPIRED -> context.challenge(codePage(context, settings, codes, new FormMessage(CODE_FIELD, "twofactorCodeExpired")));
        }
        return false;
    }

    /** The page of a user with no destination on this channel. */
    private void missingDestination(CodeStep context) {
        context.event().user(context.user()).error("twofactor_no_" + channel.id());
        LoginFormsProvider page = context.form();
        channel.describeMissingDestination(context, page);
        context.challenge(channel.missingDestinationTemplate() != null
                ? page.createForm(channel.missingDestinationTemplate())
                : messagePage(context, channel.missingDestinationMessage()));
    }

    /** A locked user's try: the event, and the page that ends the login attempt. */
    private static void locked(CodeStep context, CodeExchange codes) {
        context.event().clone().user(context.user()).error(SecondFactorLock.EVENT);
        context.challenge(SecondFactorLock.page(context.form(), codes.lockMinutesLeft()));
    }

    /** "Invalid code.", with the tries left when two or fewer remain. */
    public static FormMessage invalid(SecondFactorLock.Attempt attempt) {
        return invalid(attempt.triesLeftIfWrong());
    }

    private static FormMessage invalid(int left) {
        return left <= 2 ? new FormMessage(CODE_FIELD, "twofactorCodeInvalidTriesLeft", Integer.toString(left))
                : new FormMessage(CODE_FIELD, "twofactorCodeInvalid");
    }

    private void resend(CodeStep context, TwoFactorSettings settings, CodeExchange codes) {
        AuthenticationSessionModel authSession = context.authSession();
        if (codes.locked()) {
            locked(context, codes);
            return;
        }
        int resends = resends(authSession);
        if (resends >= settings.maxResends()) {
            TwoFactorMetrics.sendRefused("resend_limit");
            context.event().user(context.user()).error(EVENT_SEND_REFUSED);
            context.challenge(codePage(context, settings, codes, new FormMessage(null, "twofactorResendLimit")));
            return;
        }
        if (send(context, settings, codes, true)) {
            authSession.setAuthNote(note("resends"), Integer.toString(resends + 1));
        }
    }

    /** @return true when a code went out */
    private boolean send(CodeStep context, TwoFactorSettings settings, CodeExchange codes, boolean isResend) {
        CodeExchange.Send outcome = codes.send(context.authSession().getParentSession().getId());
        if (outcome instanceof CodeExchange.Refused refused) {
            TwoFactorMetrics.sendRefused(refused.refusal().name());
            context.event().user(context.user()).detail("reason", refused.refusal().name().toLowerCase()).error(EVENT_SEND_REFUSED);
            FormMessage why;
            if (refused.refusal() == ResendSchedule.Refusal.COOLDOWN) {
                why = new FormMessage(null, isResend ? "twofactorResendTooSoon" : "twofactorCodeRecentlySent", refused.waitSeconds());
            } else {
                // an hourly cap (counted for the admins by the engine): the page names it and says when to try again;
                // a refresh says the same until then
                long freeAt = Time.currentTime() + refused.waitSeconds();
                String key = capMessage(refused.refusal());
                context.authSession().setAuthNote(note("refused"), key + "|" + freeAt);
                why = new FormMessage(null, key, tryAgainAt(freeAt));
            }
            context.challenge(codePage(context, settings, codes, why));
            return false;
        }
        CodeExchange.Sent sent = (CodeExchange.Sent) outcome;
        context.authSession().removeAuthNote(note("refused"));
        context.authSession().setAuthNote(note("delivery"), sent.token());
        CodeDelivery.afterCommit(context.session(), context, channel, codes.destination(), sent.code(), purpose, settings, sent.token());
        // the store's put shows at commit: this page is told about the new code directly
        context.challenge(codePage(context, settings, codes, isResend ? new FormMessage(null, "twofactorCodeSent") : null, sent.live()));
        return true;
    }

    /** The words of a refusal by an hourly cap, naming the cap: "Too many codes were requested from your network...". */
    private String capMessage(ResendSchedule.Refusal refusal) {
        return switch (refusal) {
            case USER_HOURLY_CAP -> "twofactorCapUser";
            case ADDRESS_HOURLY_CAP -> "twofactorCapAddress";
            default -> "email".equals(channel.id()) ? "twofactorCapDestinationEmail" : "twofactorCapDestinationSms";
        };
    }

    /** "Try again at 10:14": the minute a slot frees, rounded up, so that the time shown is never too early. */
    private static String tryAgainAt(long epochSecond) {
        return CLOCK.format(Instant.ofEpochSecond((epochSecond + 59) / 60 * 60));
    }

    /**
     * What a page with no live code says when nothing else is to be said: the cap that refused the last send while it
     * still holds (so that a refresh stays honest), or that there is no code to enter.
     */
    private FormMessage withoutLiveCode(CodeStep context, TwoFactorSettings settings) {
        String refused = context.authSession().getAuthNote(note("refused"));
        if (refused != null) {
            int bar = refused.lastIndexOf('|');
            long freeAt = bar < 0 ? 0 : Long.parseLong(refused.substring(bar + 1));
            if (freeAt > Time.currentTime()) {
                return new FormMessage(null, refused.substring(0, bar), tryAgainAt(freeAt));
            }
        }
        // "send a new one" only where the page offers to
        return new FormMessage(null, resends(context.authSession()) < settings.maxResends() ? "twofactorNoLiveCode" : "twofactorResendLimit");
    }

    /** Where this page's last send stands (null when it sent none, or the outcome is no longer known). */
    private DeliveryState.Status delivery(CodeStep context) {
        return DeliveryState.read(context.session().singleUseObjects(), context.authSession().getAuthNote(note("delivery")),
                context.authSession().getParentSession().getId());
    }

    private int resends(AuthenticationSessionModel authSession) {
        String v = authSession.getAuthNote(note("resends"));
        return v == null ? 0 : Integer.parseInt(v);
    }

    private Response codePage(CodeStep context, TwoFactorSettings settings, CodeExchange codes, FormMessage message) {
        return codePage(context, settings, codes, message, codes.live());
    }

    /** @param live the user's live code on this channel, or null when none works now */
    private Response codePage(CodeStep context, TwoFactorSettings settings, CodeExchange codes, FormMessage message,
                              CodeStore.Live live) {
        LoginFormsProvider form = context.form();
        if (live == null && (message == null || !FormMessage.GLOBAL.equals(message.getField()))) {
            // no code to enter, so no code field: what would be said about it is said to the page
            message = message == null ? withoutLiveCode(context, settings) : new FormMessage(null, message.getMessage(), message.getParameters());
        }
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
        boolean resendAllowed = resends(authSession) < settings.maxResends();
        String destination = codes.destination();
        DeliveryState.Status delivery = delivery(context);
        boolean failed = delivery == DeliveryState.Status.FAILED;
        if (delivery == DeliveryState.Status.PENDING) {
            form.setAttribute("twofactorDeliveryStatusUrl", context.session().getContext().getUri().getBaseUriBuilder()
                    .path("realms").path(context.realm().getName()).path(DeliveryStatusResource.PROVIDER_ID)
                    .path(authSession.getAuthNote(note("delivery"))).build().toString());
        }
        return form.setAttribute("twofactorChannel", channel.id())
                .setAttribute("twofactorDestination", destination == null ? null : channel.masked(destination))
                .setAttribute("twofactorResendAllowed", resendAllowed)
                .setAttribute("twofactorDeliveryFailed", failed)
                .setAttribute("twofactorResendIn", live == null || failed ? 0 : codes.secondsToWait())
                .setAttribute("twofactorSentAt", live == null ? null : CLOCK.format(Instant.ofEpochSecond(live.sentAt())))
                .setAttribute("twofactorValidUntil", live == null ? null : CLOCK.format(Instant.ofEpochSecond(live.expiresAt())))
                .setAttribute("twofactorLiveCode", live != null)
                // a refusal by a cap is all the page says: no "We sent a code" line beside it, even with a live code
                .setAttribute("twofactorCapRefusal", message != null && message.getMessage().startsWith("twofactorCap"))
                .setAttribute("twofactorCodeLength", settings.codeLength())
                .setAttribute("twofactorSubmitLabel", submitLabel == null ? "twofactorSubmit" : submitLabel)
                .createForm("twofactor-code.ftl");
    }

    private Response messagePage(CodeStep context, String messageKey) {
        return context.form().setAttribute("twofactorMessage", messageKey).createForm("twofactor-message.ftl");
    }
}
