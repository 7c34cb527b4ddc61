package dev.keycloaktwofactor.code;

import dev.keycloaktwofactor.model.TwoFactorSettings;
import org.keycloak.common.util.Time;
import org.keycloak.models.SingleUseObjectProvider;

/**
 * One request's dealings with a user's codes on one channel, for one purpose and destination: the code engine's
 * decisions as plain results, with no pages, forms or events (the factor that shows the code page makes those). Made
 * once per request, with everything it needs handed in (the cluster-wide single-use store, the user, the destination,
 * the source address and whether the realm trusts it, the realm's settings, the server's caps), it holds the user's
 * {@link CodeStore live code}, {@link ResendSchedule resend wait and hourly caps} and {@link SecondFactorLock count of
 * wrong codes}. The rules it keeps are those of docs/security-model.md, "Codes", "Wrong codes" and "Sends and shared
 * limits".
 * <p>
 * Every answer is read from the store when asked (nothing is remembered between two questions), so that a parallel
 * request of the same user, on any node, is seen as soon as the store shows it.
 */
public final class CodeExchange {

    /** What became of a code entered. */
    public enum Verdict {
        /** The live code: spent for every login attempt of the user; the wrong-code count and the resend wait start afresh. */
        ACCEPTED,
        /** Not the code: counted against the user, with tries left. */
        WRONG,
        /** Not the code, and the entry that reached the cap: the second factor is locked from now. */
        LOCKED_NOW,
        /** The second factor was locked already: the entry was not checked. */
        LOCKED,
        /** One of the user's own codes that a newer one replaced: not counted. */
        SUPERSEDED,
        /** The code's time is up or it was spent, or there is no code at all: not counted. */
        EXPIRED
    }

    /**
     * @param triesLeft wrong entries the user still has before the lock, for {@link Verdict#WRONG}; 0 otherwise
     * @param checked   what the store said of the entry, or null when it was not checked ({@link Verdict#LOCKED})
     */
    public record Check(Verdict verdict, int triesLeft, CodeStore.Result checked) {
    }

    /** The outcome of asking to send a code. */
    public sealed interface Send permits Sent, Refused {
    }

    /**
     * A code that is to go out: it is the user's live code already (the one before it stops working), and the wait for
     * the next one has grown; the send itself is handed over by the caller.
     *
     * @param code  the digits to deliver (never stored: only their hash is)
     * @param token names the send's {@link DeliveryState}, which a failed send uses to put back the code and wait before it
     * @param live  the new live code, as the page shows it (the store's put shows only at commit)
     */
    public record Sent(String code, String token, CodeStore.Live live) implements Send {
    }

    /**
     * No code goes out: the resend wait ({@link ResendSchedule.Refusal#COOLDOWN}) or an hourly cap, and the seconds until
     * a send may go (for a cap: until its first slot frees).
     */
    public record Refused(ResendSchedule.Refusal refusal, int waitSeconds) implements Send {
    }

    private final SingleUseObjectProvider store;
    private final String realmId;
    private final String channel;
    private final String destination;
    private final TwoFactorSettings settings;
    private final CodeStore codes;
    private final ResendSchedule schedule;
    private final SecondFactorLock lock;

    /**
     * @param channel       the channel's id ("email", "sms")
     * @param destination   where codes go (an address, a number); not null
     * @param sourceAddress the client's address as Keycloak sees it
     * @param sourceTrusted the address is inside the realm's {@code trustedNetworks} or its {@code ipAllowlist}: it is
     *                      not counted per address
     * @param settings      the realm's settings in force
     * @param caps          the server's hourly caps
     */
    public CodeExchange(SingleUseObjectProvider store, String realmId, String userId, String channel, CodePurpose purpose,
                        String destination, String sourceAddress, boolean sourceTrusted, TwoFactorSettings settings, SendCaps caps) {
        this.store = store;
        this.realmId = realmId;
        this.channel = channel;
        this.destination = destination;
        this.settings = settings;
        this.codes = new CodeStore(store, realmId, userId, channel, purpose, destination);
        this.schedule = new ResendSchedule(store, realmId, userId, channel, destination, sourceAddress, sourceTrusted, caps);
        this.lock = new SecondFactorLock(store, realmId, userId);
    }

    /** Where this request's codes go. */
    public String destination() {
        return destination;
    }

    /** The user's code that works now (sent by this or any other login attempt), or null when none does. */
    public CodeStore.Live live() {
        return codes.live();
    }

    /** Whether the user's second factor is locked after too many wrong codes: then nothing is sent or checked. */
    public boolean locked() {
        return lock.isLocked();
    }

    /** Whole minutes (rounded up, at least 1) the lock still holds. */
    public int lockMinutesLeft() {
        return lock.minutesLeft();
    }

    /** Seconds before the user may be sent another code; 0 when one may go now. */
    public int secondsToWait() {
        return schedule.secondsToWait(settings);
    }

    /**
     * Sends a code if one may go out now: the resend wait (only while a code lives) and the hourly caps decide, and two
     * parallel requests never both get the same send. A refusal by a cap is counted for the realm's admins
     * ({@link SendRefusals}). Does not ask whether the user is locked: the caller asks {@link #locked()} first.
     *
     * @param deliveryRoot the root id of the login's authentication session, to which the send's state is bound
     */
    public Send send(String deliveryRoot) {
        // the wait is for a code the user has; with none alive (never sent, expired) the next one goes out at once
        ResendSchedule.Decision decision = schedule.tryClaim(settings, () -> codes.live() == null);
        if (!decision.allowed()) {
            SendRefusals.Cap cap = SendRefusals.Cap.of(decision.refusal(), channel);
            if (cap != null) {
                SendRefusals.count(store, realmId, cap);
            }
            return new Refused(decision.refusal(), decision.waitSeconds());
        }
        CodeStore.Issued issued = codes.issue(settings.codeLength());
        // The send runs after the request has committed (the code must exist before it can arrive), off the request
        // path; its outcome is kept under a token that the page polls. A failed send puts back the code and the wait
        // from before it, so "Send again" works at once; the caps keep counting it (a send counts when attempted).
        String token = DeliveryState.begin(store, deliveryRoot, codes, codes.snapshot(), issued.id(), schedule, decision,
                settings.resendCooldownSeconds());
        codes.save(issued, settings.codeTtlSeconds());
        schedule.recordSent(decision, settings);
        long now = Time.currentTime();
        return new Sent(issued.code(), token, new CodeStore.Live(issued.id(), now, now + settings.codeTtlSeconds()));
    }

    /**
     * Checks a code entered (digits, already normalised). A slot of the user's wrong-code count is claimed before the
     * check, so parallel entries never get more checks than {@code maxCodeAttempts}; entries that are no guess at the
     * live code give it back. A correct code also ends the resend wait.
     */
    public Check check(String code) {
        SecondFactorLock.Attempt attempt = lock.claim(settings);
        if (attempt.locked()) {
            return new Check(Verdict.LOCKED, 0, null);
        }
        CodeStore.Result result = codes.verify(code);
        return switch (result) {
            case ACCEPTED -> {
                lock.reset();
                schedule.reset();
                yield new Check(Verdict.ACCEPTED, 0, result);
            }
            case WRONG -> lock.wrong(attempt, settings)
                    ? new Check(Verdict.LOCKED_NOW, 0, result)
                    : new Check(Verdict.WRONG, attempt.triesLeftIfWrong(), result);
            case SUPERSEDED -> {
                // the user's own older code, not a guess
                lock.release(attempt);
                yield new Check(Verdict.SUPERSEDED, 0, result);
            }
            case EXPIRED, NONE_PENDING -> {
                // not a guess at a live code
                lock.release(attempt);
                yield new Check(Verdict.EXPIRED, 0, result);
            }
        };
    }
}
