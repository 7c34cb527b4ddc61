package dev.keycloaktwofactor.code;

import org.keycloak.common.util.Time;
import org.keycloak.models.SingleUseObjectProvider;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Where one send of a code stands — pending, sent or failed — in Keycloak's cluster-wide single-use store under a
 * random token, so that the code page (on any node) and its poll of {@code /realms/{realm}/twofactor-delivery/{token}}
 * learn the outcome of a send that runs after the page was answered. The entry is bound to the login's
 * authentication session (its root id), and carries what it takes to undo the send when it fails: the user's
 * previous live code (hashes and times) and the resend wait from before. A send still pending after
 * {@link #PENDING_LIMIT_SECONDS} (its node stopped, its gateway hangs) counts as failed; whoever settles the send
 * first (the sending thread, or a reader seeing it overdue) wins an immediate put-if-absent, so it is undone once.
 */
public final class DeliveryState {

    public enum Status { PENDING, SENT, FAILED }

    /** A pending send older than this is a failed one. */
    public static final int PENDING_LIMIT_SECONDS = 60;
    private static final int LIFESPAN_SECONDS = 1800;

    private DeliveryState() {
    }

    private static String key(String token) {
        return "twofactor:delivery:" + token;
    }

    /**
     * Records a send that is about to be attempted, at once (not at commit: the page may be polled before its
     * request's transaction ends). {@code codes} and {@code schedule} describe the user's code and wait as they stood
     * before this send.
     *
     * @return the token that names this send
     */
    static String begin(SingleUseObjectProvider store, String authSessionRoot, CodeStore codes, Map<String, String> previousCode,
                        String issuedId, ResendSchedule schedule, ResendSchedule.Decision decision, int cooldownSeconds) {
        String token = UUID.randomUUID().toString();
        Map<String, String> entry = new HashMap<>();
        entry.put("status", Status.PENDING.name());
        entry.put("started", Long.toString(Time.currentTime()));
        entry.put("root", authSessionRoot);
        entry.put("codeKey", codes.key());
        entry.put("issued", issuedId);
        previousCode.forEach((k, v) -> entry.put("prev." + k, v));
        entry.put("sendsKey", schedule.key());
        entry.put("prevCount", Integer.toString(decision.previousCount()));
        entry.put("prevLast", Long.toString(decision.previousLast()));
        entry.put("cooldown", Integer.toString(cooldownSeconds));
        store.putIfAbsent(key(token), LIFESPAN_SECONDS);
        store.put(key(token), LIFESPAN_SECONDS, entry);
        // put applies at commit; the marker above is immediate, so a poll before the commit reads "pending"
        return token;
    }

    /**
     * Where the send named by {@code token} stands, for the login whose authentication session has the root id
     * {@code authSessionRoot}; null for an unknown token or another login's. An overdue pending send is settled as
     * failed here.
     */
    public static Status read(SingleUseObjectProvider store, String token, String authSessionRoot) {
        if (token == null || authSessionRoot == null) {
            return null;
        }
        Map<String, String> entry = store.get(key(token));
        if (entry == null || entry.isEmpty()) {
            // begun in a request not yet committed: the immediate marker alone; nothing to bind it with yet
            return store.contains(key(token)) ? Status.PENDING : null;
        }
        if (!authSessionRoot.equals(entry.get("root"))) {
            return null;
        }
        Status status = Status.valueOf(entry.get("status"));
        if (status == Status.PENDING && Time.currentTime() - Long.parseLong(entry.get("started")) > PENDING_LIMIT_SECONDS) {
            settle(store, token, false);
            return Status.FAILED;
        }
        return status;
    }

    /**
     * The send is over: {@code sent}, or not (then the user's previous code and wait are put back, so that the user is
     * not kept waiting for a code that never came and "Send again" works at once).
     *
     * @return false when it was settled before (e.g. counted as failed while overdue): then nothing changes
     */
    static boolean settle(SingleUseObjectProvider store, String token, boolean sent) {
        Map<String, String> entry = store.get(key(token));
        if (entry == null || entry.get("status") == null || !store.putIfAbsent(key(token) + ":settled", LIFESPAN_SECONDS)) {
            return false;
        }
        if (!sent) {
            Map<String, String> previous = new HashMap<>();
            entry.forEach((k, v) -> {
                if (k.startsWith("prev.")) {
                    previous.put(k.substring(5), v);
                }
            });
            CodeStore.restore(store, entry.get("codeKey"), entry.get("issued"), previous);
            ResendSchedule.restore(store, entry.get("sendsKey"), Integer.parseInt(entry.get("prevCount")),
                    Long.parseLong(entry.get("prevLast")), Integer.parseInt(entry.get("cooldown")));
        }
        Map<String, String> settled = new HashMap<>(entry);
        settled.put("status", (sent ? Status.SENT : Status.FAILED).name());
        store.put(key(token), LIFESPAN_SECONDS, settled);
        return true;
    }
}
