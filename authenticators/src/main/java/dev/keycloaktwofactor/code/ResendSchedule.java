package dev.keycloaktwofactor.code;

import dev.keycloaktwofactor.model.TwoFactorSettings;
import org.keycloak.common.util.Time;
import org.keycloak.models.SingleUseObjectProvider;

import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * When the next code may go out to a user on a channel: after the n-th send the user waits n times the realm's
 * {@code resendCooldownSeconds} (30, 60, 90 s...). Kept in Keycloak's cluster-wide single-use store and keyed by
 * user and channel, so a new browser or a new login attempt does not reset it; it is forgotten after a
 * successful sign-in or a quarter of an hour of quiet. The wait holds only while the user has a live code
 * ({@link CodeStore}): with none (expired, spent) there is nothing to wait for. On top, the {@link SendCaps} per
 * user, per source address (texts; emails only when the operator caps them) and per destination in any rolling hour.
 */
public final class ResendSchedule {

    static final long QUIET_RESET_SECONDS = 900;
    private static final int HOUR = 3600;

    public enum Refusal { COOLDOWN, USER_HOURLY_CAP, ADDRESS_HOURLY_CAP, DESTINATION_HOURLY_CAP }

    /** The outcome of asking to send: allowed, or the reason and the seconds to wait. */
    public record Decision(Refusal refusal, int waitSeconds, int previousCount, long previousLast) {
        public boolean allowed() {
            return refusal == null;
        }
    }

    private final SingleUseObjectProvider store;
    private final String realmId;
    private final String key;
    private final String userKey;
    private final String channel;
    private final String sourceAddress;
    private final boolean sourceTrusted;
    private final String destinationKey;
    private final SendCaps caps;

    /**
     * @param sourceAddress the client's address as Keycloak sees it (forwarded headers count only from a trusted proxy)
     * @param sourceTrusted the address is inside the realm's {@code trustedNetworks} or its {@code ipAllowlist}: then it
     *                      is not counted per address
     * @param caps          the server's hourly caps
     */
    ResendSchedule(SingleUseObjectProvider store, String realmId, String userId, String channel, String destination,
                   String sourceAddress, boolean sourceTrusted, SendCaps caps) {
        this.store = store;
        this.realmId = realmId;
        this.channel = channel;
        this.userKey = userId + ":" + channel;
        this.key = "twofactor:sends:" + realmId + ":" + userKey;
        this.sourceAddress = sourceAddress == null ? "unknown" : sourceAddress;
        this.sourceTrusted = sourceTrusted;
        // hashed: keys of the store may end up in logs or dumps, destinations must not
        this.destinationKey = channel + ":" + (destination == null ? "-" : OneTimeCode.hash(destination, "destination"));
        this.caps = caps;
    }

    /** Seconds before the next send is allowed; 0 when it is allowed now. */
    int secondsToWait(TwoFactorSettings settings) {
        Map<String, String> state = store.get(key);
        if (state == null) {
            return 0;
        }
        long readyAt = last(state) + (long) count(state) * settings.resendCooldownSeconds();
        return (int) Math.max(0, readyAt - Time.currentTime());
    }

    /** Number of sends recorded so far (the next wait is this many times the cooldown). */
    int sends() {
        Map<String, String> state = store.get(key);
        return state == null ? 0 : count(state);
    }

    /**
     * Claims the next send if one is allowed now; two parallel requests can never both claim the same send.
     *
     * @param noLiveCode whether the user has no code that works now (never sent, expired, spent): then there is
     *                   nothing to wait for, and only the hourly caps apply. Asked after the wait is read, so that a
     *                   parallel send committing in between is seen as a live code or a lost claim, never as a wait
     *                   that is over
     */
    Decision tryClaim(TwoFactorSettings settings, BooleanSupplier noLiveCode) {
        Map<String, String> state = store.get(key);
        int count = state == null ? 0 : count(state);
        long last = state == null ? 0 : last(state);
        long now = Time.currentTime();
        int wait = noLiveCode.getAsBoolean() ? 0 : (int) Math.max(0, last + (long) count * settings.resendCooldownSeconds() - now);
        if (wait > 0) {
            return new Decision(Refusal.COOLDOWN, wait, count, last);
        }
        // Rolling hours: each slot lives an hour from its own send, so no clock-hour boundary lets twice the cap out.
        // A send refused by a later cap, or lost to a parallel request, never happens: the slots it had already claimed
        // are given back, so that one user's refused attempts do not spend a budget another user shares
        // (docs/security-model.md, "Sends and shared limits").
        java.util.List<String> claimed = new java.util.ArrayList<>(3);
        String userCounter = "twofactor:hourly:user:" + realmId + ":" + userKey;
        if (!claim(userCounter, caps.perUser(), claimed)) {
            return capped(Refusal.USER_HOURLY_CAP, userCounter, caps.perUser(), count, last);
        }
        // texts only by default (toll fraud); known networks of the realm are not counted per address at all
        int addressCap = caps.perAddress(channel);
        String addressCounter = "twofactor:hourly:address:" + realmId + ":" + channel + ":" + sourceAddress;
        if (addressCap > 0 && !sourceTrusted && !claim(addressCounter, addressCap, claimed)) {
            giveBack(claimed);
            return capped(Refusal.ADDRESS_HOURLY_CAP, addressCounter, addressCap, count, last);
        }
        String destinationCounter = "twofactor:hourly:destination:" + realmId + ":" + destinationKey;
        if (!claim(destinationCounter, caps.perDestination(), claimed)) {
            giveBack(claimed);
            return capped(Refusal.DESTINATION_HOURLY_CAP, destinationCounter, caps.perDestination(), count, last);
        }
        if (!store.putIfAbsent(claimKey(count, last), Math.max(60, settings.resendCooldownSeconds()))) {
            giveBack(claimed);
            return new Decision(Refusal.COOLDOWN, settings.resendCooldownSeconds(), count, last);
        }
        claimed.forEach(slot -> AtomicSlots.stamp(store, slot, HOUR));
        return new Decision(null, 0, count, last);
    }

    /** A refusal by an hourly cap, waiting until the cap's first slot frees (the page says "Try again at 10:14"). */
    private Decision capped(Refusal refusal, String counter, int cap, int count, long last) {
        long freeAt = AtomicSlots.firstFreeAt(store, counter, cap, HOUR);
        return new Decision(refusal, (int) Math.max(1, freeAt - Time.currentTime()), count, last);
    }

    private boolean claim(String counter, int cap, java.util.List<String> claimed) {
        int slot = AtomicSlots.claim(store, counter, cap, HOUR);
        if (slot == 0) {
            return false;
        }
        claimed.add(counter + ":" + slot);
        return true;
    }

    private void giveBack(java.util.List<String> claimed) {
        claimed.forEach(store::remove);
    }

    /**
     * The claimed message went out: from now on the next one waits one cooldown longer. Written at the end of the
     * request (the store's put is transactional), which is why the claim itself is a separate, immediate put-if-absent.
     */
    void recordSent(Decision claimed, TwoFactorSettings settings) {
        int next = claimed.previousCount() + 1;
        store.put(key, (long) next * settings.resendCooldownSeconds() + QUIET_RESET_SECONDS,
                Map.of("count", Integer.toString(next), "last", Long.toString(Time.currentTime())));
    }

    private String claimKey(int count, long last) {
        return claimKey(key, count, last);
    }

    private static String claimKey(String key, int count, long last) {
        return key + ":claim:" + count + ":" + last;
    }

    /** The key of this user's wait in the store. */
    String key() {
        return key;
    }

    /**
     * A send that was recorded but never reached the user: the wait goes back to what it was before it (the hourly
     * caps keep the slot: a send counts when it is attempted), and the next send may be claimed at once.
     */
    static void restore(SingleUseObjectProvider store, String key, int previousCount, long previousLast, int cooldownSeconds) {
        Map<String, String> current = store.get(key);
        if (current != null && count(current) != previousCount + 1) {
            return; // a later send stands
        }
        if (previousCount == 0) {
            store.remove(key);
        } else {
            store.put(key, (long) previousCount * cooldownSeconds + QUIET_RESET_SECONDS,
                    Map.of("count", Integer.toString(previousCount), "last", Long.toString(previousLast)));
        }
        store.remove(claimKey(key, previousCount, previousLast));
    }

    /** After a successful sign-in the next login starts with no wait. */
    void reset() {
        store.remove(key);
        store.remove(claimKey(0, 0));
    }

    private static int count(Map<String, String> state) {
        return Integer.parseInt(state.getOrDefault("count", "0"));
    }

    private static long last(Map<String, String> state) {
        return Long.parseLong(state.getOrDefault("last", "0"));
    }
}
