package dev.keycloaktwofactor.wiring;

import dev.keycloaktwofactor.compat.PlainFactory;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;

import java.util.function.Function;

/**
 * A watch on admin events ({@link PhoneChangeWatch}, {@link RealmWriteWatch}): it runs inside the admin call's
 * transaction, with that call's session, for every realm (a global listener: nothing to enable), and ignores the
 * users' own events.
 */
abstract class AdminEventWatch implements EventListenerProvider {

    protected final KeycloakSession session;

    AdminEventWatch(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
    }

    @Override
    public void close() {
    }

    /** A watch's factory: global, with nothing to read at start or to stop. */
    abstract static class WatchFactory implements EventListenerProviderFactory, PlainFactory<EventListenerProvider> {

        private final String id;
        private final Function<KeycloakSession, EventListenerProvider> watch;

        WatchFactory(String id, Function<KeycloakSession, EventListenerProvider> watch) {
            this.id = id;
            this.watch = watch;
        }

        @Override
        public EventListenerProvider create(KeycloakSession session) {
            return watch.apply(session);
        }

        @Override
        public boolean isGlobal() {
            return true;
        }

        @Override
        public String getId() {
            return id;
        }
    }
}
