package dev.keycloaktwofactor.flow;

import dev.keycloaktwofactor.code.CodeStep;
import dev.keycloaktwofactor.code.SecondFactorLock;
import dev.keycloaktwofactor.factor.SecondFactor;
import dev.keycloaktwofactor.factor.SecondFactors;
import dev.keycloaktwofactor.model.TwoFactorSettings;

import java.util.function.Supplier;

/**
 * The two-factor algorithm, once for both ways Keycloak asks for it: the flow step after the password
 * ({@link TwoFactorAuthenticator}) and the required action at the end of any other way in ({@link PolicyAction}).
 * Which factor the policy asks of this user; is the user locked; show the factor's page or check the answer to it;
 * on a right answer, mark the login as passed. The two adapters only translate Keycloak's context into a
 * {@link CodeStep} and the {@link Outcome} back into Keycloak's answer.
 */
final class SecondFactorCheck {

    /**
     * The factor a page was rendered for; a post when another factor is due (the admin switched the method, the
     * user enrolled an app in another tab) restarts the check rather than testing the entry against the wrong factor.
     */
    static final String NOTE_FACTOR = "twofactor.factor";

    /** What the entry point does next. */
    enum Kind {
        /** The policy asks no second factor of this user: the login goes on. */
        NOTHING_ASKED,
        /** A page was set as the challenge (the factor's page, a wrong code, or the lock page of our own cap). */
        PAGE_SHOWN,
        /** The factor is proven and the login marked as passed. */
        PASSED,
        /**
         * Keycloak's brute-force protection has locked the user (the event is recorded): the entry point ends the
         * login with the neutral message; no code is sent or checked.
         */
        BRUTE_FORCE_LOCKED
    }

    /** {@code credentialType} is the proven factor's, for Keycloak's records (null for none of its own or not PASSED). */
    record Outcome(Kind kind, String credentialType) {
        static final Outcome NOTHING_ASKED = new Outcome(Kind.NOTHING_ASKED, null);
        static final Outcome PAGE_SHOWN = new Outcome(Kind.PAGE_SHOWN, null);
        static final Outcome BRUTE_FORCE_LOCKED = new Outcome(Kind.BRUTE_FORCE_LOCKED, null);
    }

    private final SecondFactors factors;

    SecondFactorCheck(SecondFactors factors) {
        this.factors = factors;
    }

    /**
     * The first page of the factor due.
     *
     * @param bruteForceError Keycloak's brute-force lock of the user as an event error, or null; asked only when a
     *                        factor is due
     */
    Outcome start(CodeStep step, Supplier<String> bruteForceError) {
        TwoFactorSettings settings = TwoFactorSettings.of(step.realm());
        SecondFactor factor = factors.forUser(settings, step.user());
        if (factor == null) {
            return Outcome.NOTHING_ASKED;
        }
        Outcome locked = locked(step, bruteForceError);
        if (locked != null) {
            return locked;
        }
        step.authSession().setAuthNote(NOTE_FACTOR, factor.id());
        factor.challenge(step, settings);
        return Outcome.PAGE_SHOWN;
    }

    /** A post to the page of the factor due; a post to another factor's page starts over. */
    Outcome answer(CodeStep step, Supplier<String> bruteForceError) {
        TwoFactorSettings settings = TwoFactorSettings.of(step.realm());
        String renderedFor = step.authSession().getAuthNote(NOTE_FACTOR);
        SecondFactor factor = factors.forUser(settings, step.user());
        if (factor == null || !factor.id().equals(renderedFor)) {
            return start(step, bruteForceError);
        }
        Outcome locked = locked(step, bruteForceError);
        if (locked != null) {
            return locked;
        }
        if (!factor.action(step, settings)) {
            return Outcome.PAGE_SHOWN;
        }
        SecondFactors.markPassed(step.authSession());
        return new Outcome(Kind.PASSED, factor.credentialType());
    }

    /**
     * Keycloak's brute-force lock first (its event recorded, the ending left to the entry point); then our own cap on
     * wrong entries, whatever the realm's brute-force setting: its one page says why, with only the way back to the
     * sign-in. Null when the user is not locked.
     */
    private static Outcome locked(CodeStep step, Supplier<String> bruteForceError) {
        String error = bruteForceError.get();
        if (error != null) {
            step.event().user(step.user()).error(error);
            return Outcome.BRUTE_FORCE_LOCKED;
        }
        SecondFactorLock lock = new SecondFactorLock(step.session(), step.realm(), step.user());
        if (!lock.isLocked()) {
            return null;
        }
        step.event().clone().user(step.user()).error(SecondFactorLock.EVENT);
        step.challenge(lock.page(step.form()));
        return Outcome.PAGE_SHOWN;
    }
}
