package dev.keycloaktwofactor.support;

import dev.keycloaktwofactor.model.InvalidSettingException;
import dev.keycloaktwofactor.model.Refusal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.AdminRoles;
import org.keycloak.models.ClientModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.resources.admin.AdminEventBuilder;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Technical support access: for a time a realm's admins choose, the members of one master-realm group (the operator's
 * support, {@link SupportOptions#group()}) may read that realm. Granted and revoked through Keycloak's own role model,
 * as the read-only roles of the realm's {@code {realm}-realm} client in master mapped onto the group, so the admin
 * console and the admin REST API enforce it themselves and a revocation counts from the next request.
 * <p>
 * The window's end lives on that client too ({@value #UNTIL_ATTRIBUTE}): a realm's own admins cannot edit the master
 * realm, so no realm update or import can stretch or hide a window.
 */
public final class SupportAccess {

    private static final Logger LOG = Logger.getLogger(SupportAccess.class);

    public static final String MINUTES = "supportAccessMinutes";
    public static final String UNTIL = "supportAccessUntil";
    public static final int MOST_MINUTES = 7 * 24 * 60;

    static final String UNTIL_ATTRIBUTE = "twofactor.supportAccessUntil";

    /** Reading only: never manage-*, never impersonation. */
    static final List<String> READ_ROLES = List.of(
            AdminRoles.VIEW_REALM, AdminRoles.VIEW_USERS, AdminRoles.VIEW_CLIENTS, AdminRoles.VIEW_EVENTS,
            AdminRoles.QUERY_REALMS, AdminRoles.QUERY_USERS, AdminRoles.QUERY_CLIENTS, AdminRoles.QUERY_GROUPS);

    static final String RESOURCE_PATH = "twofactor/support-access";

    enum End { STOPPED, EXPIRED }

    private SupportAccess() {
    }

    /**
     * Takes the support fields out of a settings PUT body (so the rest is merged as before) and checks the one a
     * client may write. {@code supportAccessUntil} is read-only: sent back unchanged after a GET, it is ignored.
     *
     * @return the minutes asked for, or null when the body does not ask
     */
    public static Integer takeMinutes(RealmModel realm, JsonNode body) {
        Integer minutes = takeMinutes(body);
        if (minutes != null && minutes > 0 && isMaster(realm)) {
            throw new InvalidSettingException(MINUTES, Refusal.SUPPORT_ACCESS_NOT_FOR_MASTER, "Support access is for the realms of customers; the master realm is the operator's own.");
        }
        return minutes;
    }

    static Integer takeMinutes(JsonNode body) {
        if (!(body instanceof ObjectNode object)) {
            return null;
        }
        object.remove(UNTIL);
        JsonNode n = object.remove(MINUTES);
        if (n == null) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 0 || n.intValue() > MOST_MINUTES) {
            throw new InvalidSettingException(MINUTES, Refusal.SUPPORT_ACCESS_MINUTES_INVALID,
                    "The support access time must be a whole number of minutes from 0 (off) to " + MOST_MINUTES + " (7 days).");
        }
        return n.intValue();
    }

    /** Opens (or moves the end of) the window, or with 0 ends it now. The caller has checked manage-realm. */
    public static void change(KeycloakSession session, RealmModel realm, int minutes, UserModel by, AdminEventBuilder adminEvent) {
        if (minutes == 0) {
            end(session, realm, End.STOPPED, by == null ? null : by.getUsername(), adminEvent);
            return;
        }
        Instant until = Instant.now().plus(minutes, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        ClientModel app = realm.getMasterAdminClient();
        GroupModel group = supportGroup(session, true);
        List<RoleModel> held = group.getClientRoleMappingsStream(app).toList();
        // whatever else the group held in this realm (a manage-* role mapped by hand) goes: support only reads
        held.stream().filter(r -> !READ_ROLES.contains(r.getName())).forEach(group::deleteRoleMapping);
        for (String name : READ_ROLES) {
            RoleModel role = app.getRole(name);
            if (role != null && held.stream().noneMatch(r -> r.getId().equals(role.getId()))) {
                group.grantRole(role);
            }
        }
        app.setAttribute(UNTIL_ATTRIBUTE, until.toString());

        Map<String, Object> what = new LinkedHashMap<>();
        what.put("supportAccess", "on");
        what.put(UNTIL, until.toString());
        what.put("group", SupportOptions.of(session).group());
        adminEvent.operation(OperationType.ACTION).resource(ResourceType.REALM).resourcePath(RESOURCE_PATH)
                .representation(what).success();
        SupportNotice.STARTED.sendToAdmins(session, realm, until, by == null ? null : by.getUsername());
        LOG.infof("Realm '%s': technical support access on until %s (by %s)", realm.getName(), until, by == null ? "?" : by.getUsername());
    }

    /** When the window ends, or null when support has no access (an end already past counts as none). */
    public static Instant until(RealmModel realm) {
        Instant until = storedUntil(realm);
        return until == null || !until.isAfter(Instant.now()) ? null : until;
    }

    /** The read path: a window whose time is up ends here if no scheduled run has ended it yet. */
    public static void endIfOverdue(KeycloakSession session, RealmModel realm) {
        Instant until = storedUntil(realm);
        if (until != null && !until.isAfter(Instant.now())) {
            end(session, realm, End.EXPIRED, null, null);
        }
    }

    /**
     * Removes every role of the realm's client from the support group and forgets the window. The admins hear of it
     * once, whichever node or path (Stop, a scheduled run, a read) gets there first.
     */
    static void end(KeycloakSession session, RealmModel realm, End why, String by, AdminEventBuilder adminEvent) {
        ClientModel app = realm.getMasterAdminClient();
        if (app == null || isMaster(realm)) {
            return;
        }
        String untilText = app.getAttribute(UNTIL_ATTRIBUTE);
        app.removeAttribute(UNTIL_ATTRIBUTE);
        GroupModel group = supportGroup(session, false);
        List<RoleModel> held = group == null ? List.of() : group.getClientRoleMappingsStream(app).toList();
        held.forEach(group::deleteRoleMapping);
        if (untilText == null) {
            if (!held.isEmpty()) {
                LOG.infof("Realm '%s': removed %d role(s) from the support group outside any support access window", realm.getName(), held.size());
            }
            return;
        }
        if (!session.singleUseObjects().putIfAbsent("twofactor-support-end." + realm.getId() + "." + untilText, 24 * 3600)) {
            return;
        }
        Instant until = parse(untilText);
        Map<String, Object> what = new LinkedHashMap<>();
        what.put("supportAccess", "off");
        what.put("reason", why == End.STOPPED ? "stopped" : "expired");
        what.put("scheduledUntil", untilText);
        if (adminEvent != null) {
            adminEvent.operation(OperationType.ACTION).resource(ResourceType.REALM).resourcePath(RESOURCE_PATH)
                    .representation(what).success();
        } else {
            SupportEvents.sendUnattended(session, realm, what);
        }
        if (why == End.STOPPED) {
            SupportNotice.STOPPED.sendToAdmins(session, realm, until, by);
        } else {
            SupportNotice.EXPIRED.sendToAdmins(session, realm, until, null);
        }
        LOG.infof("Realm '%s': technical support access ended (%s)", realm.getName(), what.get("reason"));
    }

    /** The support group in master; created empty on the first switch-on (filling it is the operator's job). */
    static GroupModel supportGroup(KeycloakSession session, boolean create) {
        RealmModel master = master(session);
        SupportOptions options = SupportOptions.of(session);
        GroupModel group = KeycloakModelUtils.findGroupByPath(session, master, options.groupPath());
        if (group == null && create) {
            if (options.groupPath().lastIndexOf('/') > 0) {
                throw new InvalidSettingException(MINUTES, Refusal.SUPPORT_GROUP_MISSING,
                        "The support group " + options.group() + " does not exist in the master realm.", options.group());
            }
            group = session.groups().createGroup(master, options.groupPath().substring(1));
            LOG.infof("Created the empty master-realm group '%s' for technical support access; add the support staff to it", group.getName());
        }
        return group;
    }

    /** The customer realm whose {@code {realm}-realm} client in master this is, or null for any other client. */
    static RealmModel realmOf(KeycloakSession session, ClientModel client) {
        String id = client.getClientId();
        if (id == null || !id.endsWith("-realm")) {
            return null;
        }
        RealmModel realm = session.realms().getRealmByName(id.substring(0, id.length() - "-realm".length()));
        if (realm == null || isMaster(realm) || realm.getMasterAdminClient() == null
                || !realm.getMasterAdminClient().getId().equals(client.getId())) {
            return null;
        }
        return realm;
    }

    static Instant storedUntil(RealmModel realm) {
        ClientModel app = realm.getMasterAdminClient();
        return app == null || isMaster(realm) ? null : parse(app.getAttribute(UNTIL_ATTRIBUTE));
    }

    static RealmModel master(KeycloakSession session) {
        return session.realms().getRealmByName(Config.getAdminRealm());
    }

    private static boolean isMaster(RealmModel realm) {
        return Config.getAdminRealm().equals(realm.getName());
    }

    private static Instant parse(String v) {
        try {
            return v == null || v.isBlank() ? null : Instant.parse(v.trim());
        } catch (RuntimeException e) {
            // unreadable: treated as an end long past, so the access goes
            return Instant.EPOCH;
        }
    }
}
