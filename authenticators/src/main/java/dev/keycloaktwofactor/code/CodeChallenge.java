package dev.keycloaktwofactor.code;

import dev.keycloaktwofactor.policy.TwoFactorSettings;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.util.UUID;

/**
 * The code pending in one login attempt (authentication session tab) for one purpose. Only its hash and expiry
 * are kept, in auth-session notes; the hash is salted with the user, the attempt, the purpose and a fresh id, so a
 * code is worth nothing anywhere else. Issuing a new code replaces (kills) the previous one.
 */
public final class CodeChallenge {

    public enum Result { ACCEPTED, WRONG, EXPIRED, NONE_PENDING }

    private static final String NOTE = "twofactor.code.";

    private final KeycloakSession session;
    private final AuthenticationSessionModel authSession;
    private final CodePurpose purpose;

    public CodeChallenge(KeycloakSession session, AuthenticationSessionModel authSession, CodePurpose purpose) {
        this.session = session;
        this.authSession = authSession;
        this.purpose = purpose;
    }

    /** @return the plain code, to be delivered and then forgotten */
    public String issue(TwoFactorSettings settings) {
        String code = OneTimeCode.generate(settings.codeLength());
        String id = UUID.randomUUID().toString();
        authSession.setAuthNote(note("id"), id);
        authSession.setAuthNote(note("hash"), OneTimeCode.hash(code, salt(id)));
        authSession.setAuthNote(note("expires"), Long.toString(Time.currentTime() + (long) settings.codeTtlSeconds()));
        return code;
    }

    public boolean isPending() {
        return authSession.getAuthNote(note("id")) != null;
    }

    /** Forgets the pending code, e.g. when it could not be delivered. */
    public void discard() {
        authSession.removeAuthNote(note("id"));
        authSession.removeAuthNote(note("hash"));
        authSession.removeAuthNote(note("expires"));
    }

    /** Checks an entry; wrong entries are counted by the caller, per user ({@link SecondFactorLock}). */
    public Result verify(String input, TwoFactorSettings settings) {
        SingleUseObjectProvider store = session.singleUseObjects();
        String id = authSession.getAuthNote(note("id"));
        String hash = authSession.getAuthNote(note("hash"));
        String expires = authSession.getAuthNote(note("expires"));
        if (id == null || hash == null || expires == null) {
            return Result.NONE_PENDING;
        }
        if (Time.currentTime() > Long.parseLong(expires)) {
            discard();
            return Result.EXPIRED;
        }
        if (!OneTimeCode.matches(input, salt(id), hash)) {
            return Result.WRONG;
        }
        // Single use, also against a parallel request carrying the same code: one winner only.
        if (!store.putIfAbsent("twofactor:spent:" + id, settings.codeTtlSeconds() + 60L)) {
            return Result.EXPIRED;
        }
        discard();
        return Result.ACCEPTED;
    }

    private String salt(String id) {
        return String.join("|", authSession.getRealm().getId(), authSession.getAuthenticatedUser() == null ? "-"
                : authSession.getAuthenticatedUser().getId(), authSession.getParentSession().getId(), authSession.getTabId(), purpose.id(), id);
    }

    private String note(String name) {
        return NOTE + purpose.id() + "." + name;
    }
}
