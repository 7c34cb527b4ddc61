package dev.keycloaktwofactor.policy;

import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AuthenticationManager;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

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
        Set<String> userIds = new LinkedHashSet<>();
        Stream.concat(session.sessions().readOnlyStreamUserSessions(realm),
                        session.sessions().readOnlyStreamOfflineUserSessions(realm))
                .map(UserSessionModel::getUser)
                .map(UserModel::getId)
                .filter(id -> !id.equals(keepId))
                .forEach(userIds::add);

        int now = Time.currentTime();
        int count = 0;
        for (String id : userIds) {
            UserModel user = session.users().getUserById(realm, id);
            if (user == null) {
                continue;
            }
            session.users().setNotBeforeForUser(realm, user, now);
            List<UserSessionModel> online = session.sessions().getUserSessionsStream(realm, user).toList();
            online.forEach(s -> AuthenticationManager.backchannelLogout(session, realm, s,
                    session.getContext().getUri(), session.getContext().getConnection(),
                    session.getContext().getRequestHeaders(), true));
            List<UserSessionModel> offline = session.sessions().getOfflineUserSessionsStream(realm, user).toList();
            offline.forEach(s -> session.sessions().removeOfflineUserSession(realm, s));
            count++;
        }
        return count;
    }
}
