package dev.keycloaktwofactor.wiring;

import dev.keycloaktwofactor.compat.NewerApi;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AuthenticationManager;

import java.util.ArrayList;
import java.util.List;

/**
 * Logs out every user of a realm except one (the admin who asked). Keycloak's own "logout all" moves the realm's
 * not-before and so would also kill the caller's token; this ends sessions user by user instead.
 */
public final class Deauthorizer {

    private Deauthorizer() {
    }

    /**
     * Ends every online and offline session of every user with one, except {@code keep}, and moves each such user's
     * not-before to now so that tokens already issued stop working too.
     *
     * @return how many users were logged out
     */
    public static int logoutAllExcept(KeycloakSession session, RealmModel realm, UserModel keep) {
        String keepId = keep == null ? null : keep.getId();
        List<UserModel> users = new ArrayList<>();
        NewerApi.forEachUserWithSessions(session, realm, user -> {
            if (!user.getId().equals(keepId)) {
                users.add(user);
            }
        });

        int now = Time.currentTime();
        for (UserModel user : users) {
            session.users().setNotBeforeForUser(realm, user, now);
            List<UserSessionModel> online = session.sessions().getUserSessionsStream(realm, user).toList();
            online.forEach(s -> AuthenticationManager.backchannelLogout(session, realm, s,
                    session.getContext().getUri(), session.getContext().getConnection(),
                    session.getContext().getRequestHeaders(), true));
            List<UserSessionModel> offline = session.sessions().getOfflineUserSessionsStream(realm, user).toList();
            offline.forEach(s -> session.sessions().removeOfflineUserSession(realm, s));
        }
        return users.size();
    }
}
