package dev.keycloaktwofactor.wiring;

import dev.keycloaktwofactor.email.UserNotice;
import dev.keycloaktwofactor.phone.PhoneRecord;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
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
public final class PhoneChangeWatch extends AdminEventWatch {

    public static final String PROVIDER_ID = "twofactor-phone-watch";
    private static final Pattern USER_PATH = Pattern.compile("users/([^/]+)");

    PhoneChangeWatch(KeycloakSession session) {
        super(session);
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

    public static final class Factory extends WatchFactory {

        public Factory() {
            super(PROVIDER_ID, PhoneChangeWatch::new);
        }
    }
}
