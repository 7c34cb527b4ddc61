package dev.keycloaktwofactor.wiring;

import dev.keycloaktwofactor.admin.page.PageClient;
import dev.keycloaktwofactor.flow.PolicyAction;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderEvent;

/**
 * Realms whose settings arrived without a save (a realm import, {@code --import-realm}, an edited database): once the
 * server has finished importing, their settings are checked and their flows bound as a save would have
 * ({@link RealmWriteWatch#reconcile}). Every realm gets the Security page's client (its admins may need the page).
 */
final class PolicyReconciler {

    private PolicyReconciler() {
    }

    static void onEvent(KeycloakSessionFactory factory, ProviderEvent event) {
        if (event instanceof PostMigrationEvent) {
            KeycloakModelUtils.runJobInTransaction(factory, session -> session.realms().getRealmsStream()
                    .forEach(realm -> {
                        FlowBinding.registerActionsAndProfile(session, realm);
                        PageClient.ensureHere(session, realm);
                        RealmWriteWatch.reconcile(session, realm, RealmWriteWatch.Writer.STARTUP, null);
                        PolicyAction.putFirst(realm);
                    }));
        }
    }
}
