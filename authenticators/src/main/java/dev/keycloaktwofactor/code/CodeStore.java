package dev.keycloaktwofactor.code;

import org.keycloak.common.util.Time;
import org.keycloak.models.SingleUseObjectProvider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The one live code of a user on a channel, for a purpose and a destination (login by email, login by SMS, the
 * confirmation of one phone number), in Keycloak's cluster-wide single-use store: its salted hash, when it was sent
 * and until when it is valid, never the code itself. Every login attempt of that user (any tab, browser, device or
 * node) accepts it while it lives; the first correct entry spends it for all of them, also against parallel posts
 * (an immediate put-if-absent on the code's id decides the one winner). Sending a new code replaces the live one;
 * the codes it replaced are remembered (hashes only) so that entering one is answered "a newer code was sent".
 */
public final class CodeStore {

    public enum Result { ACCEPTED, WRONG, SUPERSEDED, EXPIRED, NONE_PENDING }

    /** A code sent and still valid: when it went out and until when it works (epoch seconds). */
    public record Live(String id, long sentAt, long expiresAt) {
    }

    /** A code made for sending; it becomes the live one only once it went out ({@link #save}). */
    public record Issued(String code, String id) {
    }

    /** How many replaced codes are still recognised as such. */
    private static final int REMEMBERED = 5;

    private final SingleUseObjectProvider store;
    private final String key;
    private final String saltBase;

    /**
     * @param destination where the codes go (an address, a number); hashed into the key, so a code for one
     *                    destination is nothing for another (a phone confirmation is bound to its number)
     */
    public CodeStore(SingleUseObjectProvider store, String realmId, String userId, String channel, CodePurpose purpose,
                     String destination) {
        this.store = store;
        String destinationHash = OneTimeCode.hash(destination == null ? "-" : destination, "destination");
        this.saltBase = String.join("|", realmId, userId, channel, purpose.id(), destinationHash);
        // hashed: keys of the store may end up in logs or dumps, destinations must not
        this.key = "twofactor:code:" + OneTimeCode.hash(saltBase, "key");
    }

    /** The live code, or null when none was sent or it has expired or been spent. */
    public Live live() {
        Map<String, String> entry = store.get(key);
        if (entry == null || entry.get("id") == null) {
            return null;
        }
        Live live = new Live(entry.get("id"), Long.parseLong(entry.get("sent")), Long.parseLong(entry.get("expires")));
        return Time.currentTime() > live.expiresAt() || store.contains(spentKey(live.id())) ? null : live;
    }

    /** A fresh code of {@code length} digits, to be delivered and then {@link #save saved}. */
    public Issued issue(int length) {
        return new Issued(OneTimeCode.generate(length), UUID.randomUUID().toString());
    }

    /** The code went out: it is the live one now, and the one it replaces stops working. */
    public void save(Issued issued, int ttlSeconds) {
        Map<String, String> previous = store.get(key);
        List<String> replaced = new ArrayList<>();
        if (previous != null && previous.get("id") != null) {
            replaced.add(previous.get("id") + ":" + previous.get("hash"));
            String older = previous.get("replaced");
            if (older != null && !older.isEmpty()) {
                replaced.addAll(List.of(older.split(",")));
            }
        }
        long now = Time.currentTime();
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put("id", issued.id());
        entry.put("hash", OneTimeCode.hash(issued.code(), salt(issued.id())));
        entry.put("sent", Long.toString(now));
        entry.put("expires", Long.toString(now + ttlSeconds));
        entry.put("replaced", String.join(",", replaced.subList(0, Math.min(REMEMBERED, replaced.size()))));
        store.put(key, ttlSeconds, entry);
    }

    /** Checks an entry. Wrong entries are counted by the caller, per user ({@link SecondFactorLock}). */
    public Result verify(String input) {
        Map<String, String> entry = store.get(key);
        if (entry == null || entry.get("id") == null) {
            return Result.NONE_PENDING;
        }
        String id = entry.get("id");
        if (!OneTimeCode.matches(input, salt(id), entry.get("hash"))) {
            String replaced = entry.get("replaced");
            if (replaced != null && !replaced.isEmpty()) {
                for (String old : replaced.split(",")) {
                    int colon = old.indexOf(':');
                    if (colon > 0 && OneTimeCode.matches(input, salt(old.substring(0, colon)), old.substring(colon + 1))) {
                        return Result.SUPERSEDED;
                    }
                }
            }
            return Result.WRONG;
        }
        if (Time.currentTime() > Long.parseLong(entry.get("expires"))) {
            return Result.EXPIRED;
        }
        // single use across every login attempt and node: exactly one caller wins the spent marker
        if (!store.putIfAbsent(spentKey(id), Long.parseLong(entry.get("expires")) - Time.currentTime() + 60)) {
            return Result.EXPIRED;
        }
        // the entry stays (a resend racing this sign-in must not lose its code); the spent marker ends this one
        return Result.ACCEPTED;
    }

    /** The key of this user's live-code entry in the store (hashed: it names no destination). */
    String key() {
        return key;
    }

    /** The live-code entry as it stands now (hashes and times only), or an empty map; see {@link #restore}. */
    public Map<String, String> snapshot() {
        Map<String, String> entry = store.get(key);
        return entry == null ? Map.of() : Map.copyOf(entry);
    }

    /**
     * A code that never reached the user is taken back: if the entry under {@code key} is still the one of
     * {@code issuedId}, the entry from before it ({@code previous}, from {@link #snapshot}) is put back for what is left
     * of its life, or the entry is removed. A newer code sent meanwhile is left alone.
     */
    static void restore(SingleUseObjectProvider store, String key, String issuedId, Map<String, String> previous) {
        Map<String, String> current = store.get(key);
        if (current == null || !issuedId.equals(current.get("id"))) {
            return;
        }
        long left = previous.get("expires") == null ? 0 : Long.parseLong(previous.get("expires")) - Time.currentTime();
        if (previous.get("id") == null || left <= 0) {
            store.remove(key);
        } else {
            store.put(key, left, previous);
        }
    }

    /** Forgets the live code, e.g. after a successful sign-in by another factor. */
    public void discard() {
        store.remove(key);
    }

    private String spentKey(String id) {
        return "twofactor:spent:" + id;
    }

    private String salt(String id) {
        return saltBase + "|" + id;
    }
}
