package dev.keycloaktwofactor.policy;

import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderEvent;

/**
 * Realms whose settings arrived without a save (a realm import, {@code --import-realm}, an edited database): once the
 * server has finished importing, their settings are checked and their flows bound as a save would have
 * ({@link RealmWriteWatch#reconcile}).
 */
final class PolicyReconciler {

    private PolicyReconciler() {
    }

    static void onEvent(KeycloakSessionFactory factory, ProviderEvent event) {
        if (event instanceof PostMigrationEvent) {
            KeycloakModelUtils.runJobInTransaction(factory, session -> session.realms().getRealmsStream()
                    .forEach(realm -> RealmWriteWatch.reconcile(session, realm, RealmWriteWatch.Writer.STARTUP, null)));
        }
    }
}
