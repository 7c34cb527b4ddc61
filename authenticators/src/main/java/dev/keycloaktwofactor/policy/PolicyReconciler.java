package dev.keycloaktwofactor.policy;

import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderEvent;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Realms that arrive with their settings already in realm attributes (a realm import, {@code --import-realm})
 * never went through a Save. Once the server has finished importing, bind their flows as a Save would have.
 */
final class PolicyReconciler {

    private static final Logger LOG = Logger.getLogger(PolicyReconciler.class);

    private PolicyReconciler() {
    }

    static void onEvent(KeycloakSessionFactory factory, ProviderEvent event) {
        if (event instanceof PostMigrationEvent) {
            KeycloakModelUtils.runJobInTransaction(factory, session ->
                    session.realms().getRealmsStream().forEach(realm -> reconcile(session, realm)));
        }
    }

    private static void reconcile(org.keycloak.models.KeycloakSession session, RealmModel realm) {
        TwoFactorSettings settings = TwoFactorSettings.of(realm);
        boolean wanted = settings.method().isEnabled() || settings.allowlist().isRestricted();
        if (!wanted || isBound(realm)) {
            return;
        }
        try {
            FlowBinding.apply(session, realm, settings);
            if (settings.method().isEnabled() && settings.firstEnabledAt() == null) {
                // Imported with 2FA on: nobody has a session yet, so there is nobody to log out.
                settings.withFirstEnabledAt(Instant.now().truncatedTo(ChronoUnit.SECONDS)).writeTo(realm);
            }
            LOG.infof("Realm '%s': bound the login flows for two-factor method '%s'", realm.getName(), settings.method().id());
        } catch (InvalidSettingException e) {
            LOG.errorf("Realm '%s' asks for two-factor method '%s' but: %s", realm.getName(), settings.method().id(), e.getMessage());
        }
    }

    private static boolean isBound(RealmModel realm) {
        AuthenticationFlowModel browser = realm.getBrowserFlow();
        return browser != null && FlowBinding.BROWSER_ALIAS.equals(browser.getAlias());
    }
}
