package dev.keycloaktwofactor.code;

import org.keycloak.common.util.Time;
import org.keycloak.models.SingleUseObjectProvider;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keycloak's cluster-wide single-use store as this code relies on it, in memory: entries live their lifespan
 * (on Keycloak's clock, so {@link Time#setOffset} ages them), {@code putIfAbsent} and {@code remove} are atomic.
 * Unlike Keycloak's, {@code put} applies at once rather than at commit.
 */
final class InMemorySingleUseObjects implements SingleUseObjectProvider {

    private record Entry(Map<String, String> notes, long expiresAt) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    private Entry live(String key) {
        Entry e = entries.get(key);
        if (e != null && e.expiresAt() <= Time.currentTime()) {
            entries.remove(key, e);
            return null;
        }
        return e;
    }

    @Override
    public void put(String key, long lifespanSeconds, Map<String, String> notes) {
        entries.put(key, new Entry(Map.copyOf(notes), Time.currentTime() + lifespanSeconds));
    }

    @Override
    public Map<String, String> get(String key) {
        Entry e = live(key);
        return e == null ? null : e.notes();
    }

    @Override
    public Map<String, String> remove(String key) {
        Entry e = live(key);
        return e != null && entries.remove(key, e) ? e.notes() : null;
    }

    @Override
    public boolean replace(String key, Map<String, String> notes) {
        Entry e = live(key);
        return e != null && entries.replace(key, e, new Entry(Map.copyOf(notes), e.expiresAt()));
    }

    @Override
    public boolean putIfAbsent(String key, long lifespanInSeconds) {
        live(key);
        return entries.putIfAbsent(key, new Entry(Map.of(), Time.currentTime() + lifespanInSeconds)) == null;
    }

    @Override
    public boolean contains(String key) {
        return live(key) != null;
    }

    /** Every key and note value, to show what the store holds. */
    java.util.List<String> dump() {
        java.util.List<String> all = new java.util.ArrayList<>();
        entries.forEach((key, e) -> {
            all.add(key);
            all.addAll(e.notes().values());
        });
        return all;
    }

    @Override
    public void close() {
    }
}
