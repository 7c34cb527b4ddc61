package dev.keycloaktwofactor.wiring;

import dev.keycloaktwofactor.email.UserNotice;
import dev.keycloaktwofactor.phone.PhoneRecord;
import org.keycloak.Config;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A confirmed phone number changed or removed outside our own calls (Keycloak's user form in the admin console, the
 * users REST API): the user is told by email, as when an admin changes it through ours, and the stale confirmation
 * is cleared so that they are told once. Runs inside the admin call's transaction, for every realm (a global
 * listener: nothing to enable), and looks only at user updates.
 */
public final class PhoneChangeWatch implements EventListenerProvider {

    public static final String PROVIDER_ID = "twofactor-phone-watch";
    private static final Pattern USER_PATH = Pattern.compile("users/([^/]+)");

    private final KeycloakSession session;

    PhoneChangeWatch(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        if (event.getResourceType() != ResourceType.USER || event.getOperationType() != OperationType.UPDATE
                || event.getResourcePath() == null) {
            return;
        }
        Matcher path = USER_PATH.matcher(event.getResourcePath());
        if (!path.matches()) {
            return;
        }
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        UserModel user = realm == null ? null : session.users().getUserById(realm, path.group(1));
        if (user == null) {
            return;
        }
        String confirmedFor = user.getFirstAttribute(PhoneRecord.VERIFIED_FOR);
        String number = user.getFirstAttribute(PhoneRecord.NUMBER);
        if (confirmedFor == null || confirmedFor.equals(number)) {
            return;
        }
        PhoneRecord.unconfirm(user);
        UserNotice.PHONE_CHANGED.sendAboutPhone(session, realm, user, number, null);
    }

    @Override
    public void onEvent(Event event) {
    }

    @Override
    public void close() {
    }

    public static final class Factory implements EventListenerProviderFactory {

        @Override
        public EventListenerProvider create(KeycloakSession session) {
            return new PhoneChangeWatch(session);
        }

        @Override
        public boolean isGlobal() {
            return true;
        }

        @Override
        public String getId() {
            return PROVIDER_ID;
        }

        @Override
        public void init(Config.Scope config) {
        }

        @Override
        public void postInit(KeycloakSessionFactory factory) {
        }

        @Override
        public void close() {
        }
    }
}
