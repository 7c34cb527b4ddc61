package dev.keycloaktwofactor.compat;

import org.keycloak.common.ClientConnection;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.BruteForceProtector;

import jakarta.ws.rs.core.UriInfo;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Keycloak methods that only some supported releases have, called where present and replaced by the older way where
 * not. The JAR is compiled against 26.4's API; each newer method is looked up once, by name and exact signature.
 */
public final class NewerApi {

    /** 26.6+: {@code failedLogin(realm, user, connection, uriInfo, Set<String> authenticationCategories)}. */
    private static final MethodHandle FAILED_LOGIN_WITH_CATEGORIES = find(BruteForceProtector.class, "failedLogin",
            MethodType.methodType(void.class, RealmModel.class, UserModel.class, ClientConnection.class, UriInfo.class, Set.class));
    /** 26.7+: read-only streams over all sessions of a realm. */
    private static final MethodHandle READ_ONLY_SESSIONS = find(org.keycloak.models.UserSessionProvider.class,
            "readOnlyStreamUserSessions", MethodType.methodType(Stream.class, RealmModel.class));
    private static final MethodHandle READ_ONLY_OFFLINE_SESSIONS = find(org.keycloak.models.UserSessionProvider.class,
            "readOnlyStreamOfflineUserSessions", MethodType.methodType(Stream.class, RealmModel.class));

    private static final int USER_PAGE = 500;

    private NewerApi() {
    }

    /** Whether this server has the read-only session streams (26.7+); the older path pages through users. */
    public static boolean hasReadOnlySessionStreams() {
        return READ_ONLY_SESSIONS != null && READ_ONLY_OFFLINE_SESSIONS != null;
    }

    /**
     * Reports a wrong second-factor code to Keycloak's brute-force protector as an {@code otp} failure. Since 26.6 the
     * protector takes the failing categories (and counts only password/otp/recovery codes); before, every failure counts.
     */
    public static void reportFailedOtp(BruteForceProtector protector, RealmModel realm, UserModel user,
                                       ClientConnection connection, UriInfo uriInfo) {
        if (FAILED_LOGIN_WITH_CATEGORIES != null) {
            invoke(FAILED_LOGIN_WITH_CATEGORIES, protector, realm, user, connection, uriInfo, Set.of("otp"));
        } else {
            protector.failedLogin(realm, user, connection, uriInfo);
        }
    }

    /**
     * Every user of the realm who has an online or offline session, each given once to {@code action}: on 26.7+ from
     * the read-only session streams, before that by paging through the realm's users and asking for their sessions.
     */
    public static void forEachUserWithSessions(KeycloakSession session, RealmModel realm, Consumer<UserModel> action) {
        if (hasReadOnlySessionStreams()) {
            Set<String> seen = new java.util.LinkedHashSet<>();
            Stream.concat(sessions(READ_ONLY_SESSIONS, session, realm), sessions(READ_ONLY_OFFLINE_SESSIONS, session, realm))
                    .map(UserSessionModel::getUser)
                    .map(UserModel::getId)
                    .forEach(seen::add);
            for (String id : seen) {
                UserModel user = session.users().getUserById(realm, id);
                if (user != null) {
                    action.accept(user);
                }
            }
            return;
        }
        for (int first = 0; ; first += USER_PAGE) {
            java.util.List<UserModel> page = session.users()
                    .searchForUserStream(realm, Map.of(UserModel.INCLUDE_SERVICE_ACCOUNT, "true"), first, USER_PAGE).toList();
            for (UserModel user : page) {
                if (session.sessions().getUserSessionsStream(realm, user).findAny().isPresent()
                        || session.sessions().getOfflineUserSessionsStream(realm, user).findAny().isPresent()) {
                    action.accept(user);
                }
            }
            if (page.size() < USER_PAGE) {
                return;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Stream<UserSessionModel> sessions(MethodHandle handle, KeycloakSession session, RealmModel realm) {
        return (Stream<UserSessionModel>) invoke(handle, session.sessions(), realm);
    }

    private static MethodHandle find(Class<?> owner, String name, MethodType type) {
        try {
            return MethodHandles.publicLookup().findVirtual(owner, name, type);
        } catch (NoSuchMethodException | IllegalAccessException absent) {
            return null;
        }
    }

    private static Object invoke(MethodHandle handle, Object... args) {
        try {
            return handle.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
