package dev.keycloaktwofactor.flow;

import dev.keycloaktwofactor.compat.PlainFactory;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;

/**
 * A required action of ours ({@link PolicyAction}; the user-started {@link UserStartedAction}s) is its own
 * factory: one shared instance (it keeps no state of a login; that is in the authentication session), with nothing
 * to read at start and nothing to stop.
 */
abstract class SingletonAction implements RequiredActionProvider, RequiredActionFactory, PlainFactory<RequiredActionProvider> {

    private final String id;
    private final String displayText;

    SingletonAction(String id, String displayText) {
        this.id = id;
        this.displayText = displayText;
    }

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public String getDisplayText() {
        return displayText;
    }

    /** The action's and the factory's: nothing to let go. */
    @Override
    public void close() {
    }
}
