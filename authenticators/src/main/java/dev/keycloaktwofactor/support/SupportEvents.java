package dev.keycloaktwofactor.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.logging.Logger;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.EventStoreProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The admin event of a window that ended by time. Nobody made a request, so there is no {@code AdminEventBuilder}
 * (it needs a caller); this records the same event the builder would, with the master realm as the actor's realm and
 * no user, to the realm's event store and listeners as Keycloak does.
 */
final class SupportEvents {

    private static final Logger LOG = Logger.getLogger(SupportEvents.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private SupportEvents() {
    }

    static void sendUnattended(KeycloakSession session, RealmModel realm, Map<String, Object> what) {
        AdminEvent event = new AdminEvent();
        event.setId(UUID.randomUUID().toString());
        event.setTime(System.currentTimeMillis());
        event.setRealmId(realm.getId());
        event.setRealmName(realm.getName());
        event.setOperationType(OperationType.ACTION);
        event.setResourceType(ResourceType.REALM);
        event.setResourcePath(SupportAccess.RESOURCE_PATH);
        try {
            event.setRepresentation(JSON.writeValueAsString(what));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        AuthDetails actor = new AuthDetails();
        RealmModel master = SupportAccess.master(session);
        actor.setRealmId(master.getId());
        actor.setRealmName(master.getName());
        event.setAuthDetails(actor);

        boolean withRepresentation = realm.isAdminEventsDetailsEnabled();
        if (realm.isAdminEventsEnabled()) {
            EventStoreProvider store = session.getProvider(EventStoreProvider.class);
            if (store != null) {
                store.onEvent(event, withRepresentation);
            }
        }
        Set<String> realmListeners = realm.getEventsListenersStream().collect(Collectors.toSet());
        session.getKeycloakSessionFactory().getProviderFactoriesStream(EventListenerProvider.class)
                .filter(f -> realmListeners.contains(f.getId()) || ((EventListenerProviderFactory) f).isGlobal())
                .forEach(f -> {
                    try {
                        session.getProvider(EventListenerProvider.class, f.getId()).onEvent(event, withRepresentation);
                    } catch (RuntimeException e) {
                        LOG.warnf("Event listener %s failed on the support access event: %s", f.getId(), e.getMessage());
                    }
                });
    }
}
