package dev.keycloaktwofactor.code;

import dev.keycloaktwofactor.model.TwoFactorSettings;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.UserModel;

import jakarta.ws.rs.core.Response;
import org.keycloak.forms.login.LoginFormsProvider;

import java.util.List;
import java.util.Map;

/**
 * Wrong second-factor entries of one user, whatever the factor (app, email or SMS code), the login attempt, the tab
 * or the node, and the lock they lead to: at {@code maxCodeAttempts} wrong entries the user's second factor is
 * locked for {@code lockoutSeconds}. Independent of Keycloak's brute-force protection, which is off in a new realm.
 * <p>
 * Kept in Keycloak's cluster-wide single-use store. Each entry first claims a slot ({@link AtomicSlots}) and only
 * then is checked, so parallel guesses can never get more checks than the cap; the lock itself is an immediate
 * put-if-absent, and an entry re-checks the lock after its claim, so no request slips between the lock and the
 * count starting afresh. A correct code before the cap resets the count.
 */
public final class SecondFactorLock {

    /** Event error of a wrong entry that reached the cap, and of a locked user's try. */
    public static final String EVENT = "twofactor_locked";

    /** "Too many wrong codes. Try again in {0} minutes." */
    public static final String MESSAGE = "twofactorLockedFor";

    /** How long one wrong entry counts when no correct code follows it. */
    static final long WRONG_ENTRY_LIFESPAN = 86400;
    /** The highest {@code maxCodeAttempts} a realm may set: a reset clears every slot the count could have used. */
    private static final int MOST_SLOTS = 10;

    /** The outcome of claiming the right to check one entry. */
    public record Attempt(int slot, int max) {
        public boolean locked() {
            return slot == 0;
        }

        /** Whether a wrong entry in this slot reaches the cap. */
        boolean last() {
            return slot >= max;
        }

        /** Wrong entries left after this one, if it turns out wrong. */
        public int triesLeftIfWrong() {
            return Math.max(0, max - slot);
        }
    }

    private final SingleUseObjectProvider store;
    private final String base;

    public SecondFactorLock(KeycloakSession session, RealmModel realm, UserModel user) {
        this(session.singleUseObjects(), realm.getId(), user.getId());
    }

    SecondFactorLock(SingleUseObjectProvider store, String realmId, String userId) {
        this.store = store;
        this.base = "twofactor:wrong:" + realmId + ":" + userId;
    }

    /** Epoch seconds until which the user's second factor is locked, or null when it is not. */
    public Long lockedUntil() {
        if (!store.contains(lockKey())) {
            return null;
        }
        Map<String, String> info = store.get(infoKey());
        long until = info == null ? 0 : Long.parseLong(info.getOrDefault("until", "0"));
        // the info is written at commit; a lock seen before that is reported as just starting
        return until > Time.currentTime() ? until : (long) Time.currentTime() + 60;
    }

    public boolean isLocked() {
        return store.contains(lockKey());
    }

    /** Whole minutes (rounded up) the lock still holds, at least 1. */
    public int minutesLeft() {
        Long until = lockedUntil();
        long seconds = until == null ? 0 : until - Time.currentTime();
        return (int) Math.max(1, (seconds + 59) / 60);
    }

    /** The page that ends a login attempt of a locked user. */
    public Response page(LoginFormsProvider form) {
        return page(form, minutesLeft());
    }

    /** The page that ends a login attempt of a user locked for {@code minutesLeft} more minutes. */
    public static Response page(LoginFormsProvider form, int minutesLeft) {
        return form.setAttribute("twofactorMessage", MESSAGE)
                .setAttribute("twofactorMessageParams", List.of(Integer.toString(minutesLeft)))
                .createForm("twofactor-message.ftl");
    }

    /** Claims the right to check one entry; {@link Attempt#locked()} when the user may not try now. */
    public Attempt claim(TwoFactorSettings settings) {
        int max = settings.maxCodeAttempts();
        if (isLocked()) {
            return new Attempt(0, max);
        }
        int slot = AtomicSlots.claim(store, slotsKey(), max, WRONG_ENTRY_LIFESPAN);
        if (slot == 0) {
            // every try is taken (by parallel entries, or under a higher cap than the realm has now): that is the cap
            lock(settings.lockoutSeconds());
            return new Attempt(0, max);
        }
        if (isLocked()) {
            // the lock fell between the check and the claim: this entry is not checked
            store.remove(slotsKey() + ":" + slot);
            return new Attempt(0, max);
        }
        return new Attempt(slot, max);
    }

    /** The entry was no guess at a code (nothing pending, expired): it does not count against the user. */
    public void release(Attempt attempt) {
        if (!attempt.locked()) {
            store.remove(slotsKey() + ":" + attempt.slot());
        }
    }

    /**
     * The entry was wrong.
     *
     * @return true when it reached the cap and the second factor is now locked
     */
    public boolean wrong(Attempt attempt, TwoFactorSettings settings) {
        if (attempt.locked() || !attempt.last()) {
            return false;
        }
        lock(settings.lockoutSeconds());
        return true;
    }

    /** A correct code: the count starts again from zero. */
    public void reset() {
        clearSlots();
    }

    /** An admin lifts the lock (and the count). */
    public void lift() {
        store.remove(lockKey());
        store.remove(infoKey());
        clearSlots();
    }

    void lock(int seconds) {
        if (store.putIfAbsent(lockKey(), seconds)) {
            store.put(infoKey(), seconds, Map.of("until", Long.toString(Time.currentTime() + (long) seconds)));
        }
        // when the lock ends, the user starts with a full set of tries
        clearSlots();
    }

    private void clearSlots() {
        for (int slot = 1; slot <= MOST_SLOTS; slot++) {
            store.remove(slotsKey() + ":" + slot);
        }
    }

    private String slotsKey() {
        return base + ":slot";
    }

    private String lockKey() {
        return base + ":lock";
    }

    private String infoKey() {
        return base + ":lock-info";
    }
}
