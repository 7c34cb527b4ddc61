package dev.keycloaktwofactor.code;

import org.keycloak.models.SingleUseObjectProvider;

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
}
