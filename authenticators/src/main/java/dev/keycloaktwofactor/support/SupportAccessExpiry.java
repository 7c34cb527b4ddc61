package dev.keycloaktwofactor.support;

import org.keycloak.cluster.ClusterProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.timer.ScheduledTask;
import org.keycloak.timer.TimerProvider;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ends support access windows whose time is up, without anyone having to look. Every node schedules it; the cluster
 * lets one node run it per interval ({@link ClusterProvider#executeIfNotExecuted}, as Keycloak's own
 * cluster-aware tasks do). It starts from the support group's role mappings, not from the stored ends, so roles
 * left on the group without a window (a lost attribute, a mapping made by hand) go too.
 */
public final class SupportAccessExpiry implements ScheduledTask {

    static final String TASK_NAME = "twofactor-support-access-expiry";

    public static void onEvent(KeycloakSessionFactory factory, ProviderEvent event) {
        if (event instanceof PostMigrationEvent) {
            long interval = SupportOptions.of(factory).checkIntervalSeconds() * 1000L;
            KeycloakModelUtils.runJobInTransaction(factory, session ->
                    session.getProvider(TimerProvider.class).scheduleTask(new SupportAccessExpiry(), interval, TASK_NAME));
        }
    }

    @Override
    public void run(KeycloakSession session) {
        int interval = SupportOptions.of(session).checkIntervalSeconds();
        session.getProvider(ClusterProvider.class).executeIfNotExecuted(TASK_NAME, interval, () -> {
            sweep(session);
            return null;
        });
    }

    @Override
    public String getTaskName() {
        return TASK_NAME;
    }

    static void sweep(KeycloakSession session) {
        GroupModel group = SupportAccess.supportGroup(session, false);
        if (group == null) {
            return;
        }
        Map<String, ClientModel> clients = new LinkedHashMap<>();
        group.getRoleMappingsStream().filter(RoleModel::isClientRole)
                .map(r -> (ClientModel) r.getContainer())
                .forEach(c -> clients.putIfAbsent(c.getId(), c));
        Instant now = Instant.now();
        for (ClientModel client : clients.values()) {
            RealmModel realm = SupportAccess.realmOf(session, client);
            if (realm == null) {
                continue;
            }
            Instant until = SupportAccess.storedUntil(realm);
            if (until == null || !until.isAfter(now)) {
                SupportAccess.end(session, realm, SupportAccess.End.EXPIRED, null, null);
            }
        }
    }
}
