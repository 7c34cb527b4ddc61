package dev.keycloaktwofactor.code;

import org.keycloak.common.util.Time;
import org.keycloak.models.SingleUseObjectProvider;

import java.util.Map;

/**
 * A counter that parallel requests cannot overrun, on any node of a cluster: each use claims the next free slot
 * {@code key:1 .. key:max} with the store's atomic put-if-absent, so at most {@code max} uses ever succeed.
 */
final class AtomicSlots {

    private AtomicSlots() {
    }

    /** @return the slot claimed (1-based), or 0 when all {@code max} are taken */
    static int claim(SingleUseObjectProvider store, String key, int max, long lifespanSeconds) {
        for (int slot = 1; slot <= max; slot++) {
            if (store.putIfAbsent(key + ":" + slot, lifespanSeconds)) {
                return slot;
            }
        }
        return 0;
    }

    /**
     * Notes when the claimed slot {@code slotKey} (as {@code key:n}) was taken, so that a later refusal can say when the
     * first slot frees. The store's put shows at commit; put-if-absent, which claims, takes no notes.
     */
    static void stamp(SingleUseObjectProvider store, String slotKey, long lifespanSeconds) {
        store.put(slotKey + ":at", lifespanSeconds, Map.of("at", Long.toString(Time.currentTime())));
    }

    /**
     * When the first of the slots {@code key:1 .. key:max} frees (epoch seconds): the earliest stamp plus the lifespan,
     * or now plus the lifespan when no stamp says (the safe answer: every slot frees within one lifespan).
     */
    static long firstFreeAt(SingleUseObjectProvider store, String key, int max, long lifespanSeconds) {
        long now = Time.currentTime();
        long earliest = now + lifespanSeconds;
        for (int slot = 1; slot <= max; slot++) {
            Map<String, String> notes = store.get(key + ":" + slot + ":at");
            if (notes != null) {
                try {
                    earliest = Math.min(earliest, Long.parseLong(notes.getOrDefault("at", "")) + lifespanSeconds);
                } catch (NumberFormatException ignored) {
                    // not ours to read: the safe answer stands
                }
            }
        }
        return Math.max(now + 1, earliest);
    }
}
