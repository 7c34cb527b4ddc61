package dev.keycloaktwofactor.support;

import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.AdminRoles;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The emails to a realm's admins (users with {@code manage-realm} of that realm who have an email address: the
 * realm's own, and master-realm admins of it) when support access starts and when it ends. A notice that cannot be
 * sent is logged and never undoes the change.
 */
enum SupportNotice {
    STARTED("twofactorSupportStartedSubject", "twofactor-support-started.ftl"),
    STOPPED("twofactorSupportEndedSubject", "twofactor-support-stopped.ftl"),
    EXPIRED("twofactorSupportEndedSubject", "twofactor-support-expired.ftl");

    private static final Logger LOG = Logger.getLogger(SupportNotice.class);
    /** Enough for any real team of admins; a realm that gives manage-realm to everyone does not mail everyone. */
    private static final int MOST_RECIPIENTS = 50;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final String subjectKey;
    private final String template;

    SupportNotice(String subjectKey, String template) {
        this.subjectKey = subjectKey;
        this.template = template;
    }

    void sendToAdmins(KeycloakSession session, RealmModel realm, Instant until, String by) {
        // the admins' language is resolved against the session's realm: in a scheduled run there is none (or the
        // previous realm of the same run), so it is this realm while the notices go out
        RealmModel previous = session.getContext().getRealm();
        session.getContext().setRealm(realm);
        try {
            // as Keycloak's email layout names the realm in the body, so subject and body agree
            String realmName = realm.getDisplayName() == null || realm.getDisplayName().isBlank()
                    ? org.keycloak.common.util.ObjectUtil.capitalize(realm.getName()) : realm.getDisplayName();
            String supportGroup = SupportOptions.of(session).group();
            for (UserModel admin : admins(session, realm)) {
                Map<String, Object> body = new HashMap<>();
                body.put("until", until == null ? "" : WHEN.format(until));
                body.put("by", by == null ? "" : by);
                body.put("supportGroup", supportGroup);
                try {
                    session.getProvider(EmailTemplateProvider.class).setRealm(realm).setUser(admin)
                            .send(subjectKey, List.of(realmName), template, body);
                } catch (EmailException | RuntimeException e) {
                    LOG.warnf("Could not send the support access notice to admin %s of realm '%s': %s", admin.getId(), realm.getName(), e.getMessage());
                }
            }
        } finally {
            if (previous != null) {
                session.getContext().setRealm(previous);
            }
        }
    }

    static List<UserModel> admins(KeycloakSession session, RealmModel realm) {
        Map<String, UserModel> found = new LinkedHashMap<>();
        ClientModel management = realm.getClientByClientId(Constants.REALM_MANAGEMENT_CLIENT_ID);
        if (management != null) {
            collect(session, realm, management, found);
        }
        ClientModel app = realm.getMasterAdminClient();
        RealmModel master = SupportAccess.master(session);
        if (app != null && master != null && !master.getId().equals(realm.getId())) {
            collect(session, master, app, found);
        }
        return List.copyOf(found.values());
    }

    /** Users of {@code where} holding {@code owner}'s manage-realm directly, through a composite role, or through a group. */
    private static void collect(KeycloakSession session, RealmModel where, ClientModel owner, Map<String, UserModel> found) {
        RoleModel manageRealm = owner.getRole(AdminRoles.MANAGE_REALM);
        if (manageRealm == null) {
            return;
        }
        List<RoleModel> holders = Stream.concat(where.getRolesStream(), owner.getRolesStream())
                .filter(r -> r.hasRole(manageRealm)).toList();
        Stream<UserModel> direct = holders.stream()
                .flatMap(r -> session.users().getRoleMembersStream(where, r, 0, MOST_RECIPIENTS));
        Stream<UserModel> viaGroups = session.groups().getGroupsStream(where).filter(g -> g.hasRole(manageRealm))
                .flatMap(g -> session.users().getGroupMembersStream(where, g, 0, MOST_RECIPIENTS));
        Stream.concat(direct, viaGroups)
                .filter(u -> u.isEnabled() && u.getEmail() != null && !u.getEmail().isBlank() && u.getServiceAccountClientLink() == null)
                .filter(u -> !found.containsKey(u.getId()) && u.hasRole(manageRealm))
                .limit(Math.max(0, MOST_RECIPIENTS - found.size()))
                .forEach(u -> found.put(u.getId(), u));
    }
}
