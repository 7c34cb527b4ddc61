package dev.keycloaktwofactor.flow;

import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;

/**
 * A required action of ours that only the user starts (application-initiated, {@code kc_action}): the app switch and
 * the phone confirmation. Keycloak never adds it to a login by itself.
 */
abstract class UserStartedAction extends SingletonAction {

    UserStartedAction(String id, String displayText) {
        super(id, displayText);
    }

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.SUPPORTED;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
    }
}
