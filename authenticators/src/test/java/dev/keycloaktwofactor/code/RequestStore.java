package dev.keycloaktwofactor.code;

import org.keycloak.models.SingleUseObjectProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * One request's view of the single-use store as Keycloak gives it: {@code putIfAbsent}, {@code remove}, {@code get} and
 * {@code contains} act on the shared store at once, while {@code put} is held until the request commits ({@link #commit})
 * and is not seen before then, not even by the request itself. The race tests run their requests through this, so
 * that they do not rely on the in-memory fake's put, which applies at once. Each look at the shared store comes after a
 * pause of up to a tenth of a millisecond (a cluster's store is not in the same memory), so that parallel requests
 * interleave between their steps rather than running one after the other on a busy machine.
 */
final class RequestStore implements SingleUseObjectProvider {

    private record Put(String key, long lifespanSeconds, Map<String, String> notes) {
    }

    private final SingleUseObjectProvider shared;
    private final List<Put> pending = new ArrayList<>();

    RequestStore(SingleUseObjectProvider shared) {
        this.shared = shared;
    }

    /** The request ends: its puts reach the shared store. */
    void commit() {
        pending.forEach(p -> shared.put(p.key(), p.lifespanSeconds(), p.notes()));
        pending.clear();
    }

    @Override
    public void put(String key, long lifespanSeconds, Map<String, String> notes) {
        pending.add(new Put(key, lifespanSeconds, Map.copyOf(notes)));
    }

    private static void pause() {
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(100_000));
    }

    @Override
    public Map<String, String> get(String key) {
        pause();
        return shared.get(key);
    }

    @Override
    public Map<String, String> remove(String key) {
        pause();
        return shared.remove(key);
    }

    @Override
    public boolean replace(String key, Map<String, String> notes) {
        pause();
        return shared.replace(key, notes);
    }

    @Override
    public boolean putIfAbsent(String key, long lifespanInSeconds) {
        pause();
        return shared.putIfAbsent(key, lifespanInSeconds);
    }

    @Override
    public boolean contains(String key) {
        pause();
        return shared.contains(key);
    }

    @Override
    public void close() {
    }
}
