package dev.keycloaktwofactor.code;

import org.keycloak.common.util.Time;
import org.keycloak.models.SingleUseObjectProvider;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How many sends each hourly cap refused in a realm in the last hour, for its admins (the Security page). Kept in
 * Keycloak's cluster-wide single-use store, one bucket per realm, cap and minute: a refusal claims the next slot
 * {@code bucket:n} of its minute with put-if-absent, and every slot of a bucket ends at the same moment, an hour after
 * its minute, so the taken slots of a bucket are always {@code 1..count} and a count is read by a short search rather
 * than one look per refusal. No static state: every node sees the same counts.
 */
public final class SendRefusals {

    /** The caps a send can be refused by, with the words the REST answer uses. */
    public enum Cap {
        USER, ADDRESS_TEXTS, ADDRESS_EMAILS, DESTINATION, CONFIRM_NUMBERS;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The cap of a refusal by {@link ResendSchedule} on {@code channel}, or null for the resend wait. */
        public static Cap of(ResendSchedule.Refusal refusal, String channel) {
            return switch (refusal) {
                case USER_HOURLY_CAP -> USER;
                case ADDRESS_HOURLY_CAP -> "email".equals(channel) ? ADDRESS_EMAILS : ADDRESS_TEXTS;
                case DESTINATION_HOURLY_CAP -> DESTINATION;
                case COOLDOWN -> null;
            };
        }
    }

    private static final int MINUTES = 60;
    private static final int MOST_PER_MINUTE = 1 << 20;

    private SendRefusals() {
    }

    /** Counts one refusal by {@code cap} in {@code realmId}, now. */
    public static void count(SingleUseObjectProvider store, String realmId, Cap cap) {
        long now = Time.currentTime();
        long minute = now / 60;
        String bucket = bucket(realmId, cap, minute);
        // every slot of the bucket ends an hour after the bucket's minute, whenever it was taken
        long lifespan = Math.max(1, (minute + 1) * 60 + MINUTES * 60L - now);
        for (int slot = taken(store, bucket) + 1; slot <= MOST_PER_MINUTE; slot++) {
            if (store.putIfAbsent(bucket + ":" + slot, lifespan)) {
                return;
            }
        }
    }

    /** Refusals per cap (every cap present, 0 when none) in the last hour, the current minute included. */
    public static Map<Cap, Integer> lastHour(SingleUseObjectProvider store, String realmId) {
        long minute = Time.currentTime() / 60;
        Map<Cap, Integer> counts = new LinkedHashMap<>();
        for (Cap cap : Cap.values()) {
            int sum = 0;
            for (long m = minute - MINUTES + 1; m <= minute; m++) {
                sum += taken(store, bucket(realmId, cap, m));
            }
            counts.put(cap, sum);
        }
        return counts;
    }

    /** The taken slots of a bucket, 1..n: n found by doubling, then halving (about 2 log n looks). */
    static int taken(SingleUseObjectProvider store, String bucket) {
        if (!store.contains(bucket + ":1")) {
            return 0;
        }
        int low = 1;
        int high = 2;
        while (high <= MOST_PER_MINUTE && store.contains(bucket + ":" + high)) {
            low = high;
            high *= 2;
        }
        high = Math.min(high, MOST_PER_MINUTE + 1); // low is taken, high is not
        while (high - low > 1) {
            int mid = (low + high) >>> 1;
            if (store.contains(bucket + ":" + mid)) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private static String bucket(String realmId, Cap cap, long minute) {
        return "twofactor:refused:" + realmId + ":" + cap.id() + ":" + minute;
    }
}
