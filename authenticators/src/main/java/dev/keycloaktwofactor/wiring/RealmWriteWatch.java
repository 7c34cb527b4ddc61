package dev.keycloaktwofactor.wiring;

import dev.keycloaktwofactor.admin.page.PageClient;
import dev.keycloaktwofactor.compat.KeycloakRelease;
import dev.keycloaktwofactor.factor.SelfLockout;
import dev.keycloaktwofactor.flow.CibaGuard;
import dev.keycloaktwofactor.flow.PolicyAction;
import dev.keycloaktwofactor.model.InvalidSettingException;
import dev.keycloaktwofactor.model.MasterSide;
import dev.keycloaktwofactor.model.TwoFactorMethod;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import dev.keycloaktwofactor.sms.SmsGateway;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Security settings hold whatever path writes the realm. Keycloak's realm update ({@code PUT /admin/realms/{r}})
 * writes any realm attribute, {@code twofactor.*} included; a realm import brings them too. After such a write, in the
 * same transaction (a global admin-event listener: nothing to enable), the settings are brought back to the rules:
 * <ul>
 *   <li>{@code smsActivated} changes only when the writer is a master-realm admin (realm creation and the operator's
 *       realm import count as such); anyone else's value is undone;</li>
 *   <li>a value that is not valid is undone: the last valid value stays in force, and one warning says so;</li>
 *   <li>a valid change of {@code method} or {@code ipAllowlist} binds the login flows as a save does (and the first
 *       enablement logs out everyone but the writer, as a save does).</li>
 * </ul>
 */
public final class RealmWriteWatch extends AdminEventWatch {

    public static final String PROVIDER_ID = "twofactor-settings-watch";
    private static final Logger LOG = Logger.getLogger(RealmWriteWatch.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Who wrote the realm, as far as the rules care. */
    enum Writer {
        /** A master-realm admin updating the realm. */
        MASTER_ADMIN,
        /** A new realm (admin REST or the operator's import at start): only master-realm users can create realms. */
        CREATION,
        /** Anyone else: the realm's own admins. */
        REALM_ADMIN,
        /** The server's start: the stored settings are checked; nobody said anything new. */
        STARTUP;

        boolean speaksForMaster() {
            return this == MASTER_ADMIN || this == CREATION;
        }

        /** As a save does; a new realm has no sessions yet, and a start is not a change. */
        boolean logsOutOnFirstEnablement() {
            return this == MASTER_ADMIN || this == REALM_ADMIN;
        }
    }

    RealmWriteWatch(KeycloakSession session) {
        super(session);
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        if (KeycloakRelease.refusal().isPresent()) {
            return;
        }
        if (event.getResourceType() == ResourceType.REQUIRED_ACTION) {
            // an admin reordered, added or re-enabled required actions: the second factor still comes first
            RealmModel realm = session.realms().getRealm(event.getRealmId());
            if (realm != null) {
                PolicyAction.putFirst(realm);
                // and under the email method the one way to an app stays the switch confirmed by email
                FlowBinding.alignBuiltInAppSetup(realm, TwoFactorSettings.of(realm).method());
            }
            return;
        }
        if (event.getResourceType() != ResourceType.REALM || event.getOperationType() != OperationType.UPDATE
                || (event.getResourcePath() != null && event.getResourcePath().startsWith("twofactor/"))) {
            return; // our own endpoint applies the rules itself
        }
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        if (realm == null) {
            return;
        }
        AuthDetails who = event.getAuthDetails();
        RealmModel master = session.realms().getRealmByName(Config.getAdminRealm());
        boolean byMaster = who != null && master != null
                && (master.getId().equals(who.getRealmId()) || master.getName().equals(who.getRealmId()));
        UserModel caller = who == null || who.getUserId() == null || !realm.getId().equals(who.getRealmId()) ? null
                : session.users().getUserById(realm, who.getUserId());
        CibaGuard.ensureIn(session, realm); // a realm update may carry client policies without ours
        reconcile(session, realm, byMaster ? Writer.MASTER_ADMIN : Writer.REALM_ADMIN, caller,
                who == null ? null : who.getIpAddress());
    }

    /**
     * Brings the realm's stored settings back to the rules and its flows in line with them. Idempotent: a realm whose
     * settings are in order is not written to.
     */
    static void reconcile(KeycloakSession session, RealmModel realm, Writer writer, UserModel caller) {
        reconcile(session, realm, writer, caller, null);
    }

    /**
     * As {@link #reconcile(KeycloakSession, RealmModel, Writer, UserModel)}; {@code callerAddress} is where a realm
     * admin's write came from: a change that would shut that admin out of their own realm (a method they cannot pass,
     * an allowlist without their address) is undone, as our endpoint refuses it.
     */
    static void reconcile(KeycloakSession session, RealmModel realm, Writer writer, UserModel caller, String callerAddress) {
        TwoFactorSettings recorded = MasterSide.lastValid(realm);
        TwoFactorSettings previous = (recorded == null ? TwoFactorSettings.DEFAULTS : recorded)
                .merge(field(TwoFactorSettings.SMS_ACTIVATED, MasterSide.smsActivated(realm)));
        TwoFactorSettings wanted = TwoFactorSettings.of(realm); // stored values where valid, the previous ones elsewhere
        String storedSms = realm.getAttribute(MasterSide.SMS_ACTIVATED);
        // the first start of this version takes a realm's existing values over once (it had no master side before)
        boolean firstLook = writer == Writer.STARTUP && recorded == null;
        boolean adopt = writer.speaksForMaster() || firstLook;
        if (adopt && ("true".equals(storedSms) || "false".equals(storedSms))) {
            wanted = wanted.merge(field(TwoFactorSettings.SMS_ACTIVATED, Boolean.parseBoolean(storedSms)));
        }
        // no switching to SMS where it is not available; a realm already under SMS stays so (it fails closed: no
        // texts, "contact the administrator"), rather than losing its second factor
        if (wanted.method() == TwoFactorMethod.SMS && previous.method() != TwoFactorMethod.SMS && !firstLook
                && !(wanted.smsActivated() && SmsGateway.isConfigured(session))) {
            wanted = wanted.merge(JSON.createObjectNode().put(TwoFactorSettings.METHOD, previous.method().id()));
        }
        if (writer == Writer.REALM_ADMIN && caller != null) {
            if (wanted.method() != previous.method() && !SelfLockout.canUse(realm, caller, wanted.method())) {
                wanted = wanted.merge(JSON.createObjectNode().put(TwoFactorSettings.METHOD, previous.method().id()));
            }
            if (!wanted.ipAllowlist().equals(previous.ipAllowlist()) && !SelfLockout.mayConnect(wanted, callerAddress)) {
                wanted = wanted.merge(JSON.createObjectNode().set(TwoFactorSettings.IP_ALLOWLIST,
                        JSON.valueToTree(previous.ipAllowlist())));
            }
        }
        List<String> undone = undone(realm, wanted);
        if (!undone.isEmpty()) {
            LOG.warnf("Realm '%s': the stored two-factor setting(s) %s were not valid or not the writer's to change;"
                    + " the settings in force stay", realm.getName(), undone);
        }
        boolean wantsFlows = wanted.method().isEnabled() || wanted.allowlist().isRestricted();
        boolean flowsChange = wantsFlows != isBound(realm) || wanted.method() != previous.method()
                || !wanted.ipAllowlist().equals(previous.ipAllowlist());
        boolean firstEnablement = wanted.method().isEnabled() && wanted.firstEnabledAt() == null;
        if (firstEnablement) {
            wanted = wanted.withFirstEnabledAt(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        }
        if (flowsChange) {
            try {
                FlowBinding.apply(session, realm, wanted);
            } catch (InvalidSettingException e) {
                LOG.warnf("Realm '%s': two-factor method '%s' was stored without a save, but %s; the settings in force stay",
                        realm.getName(), wanted.method().id(), e.getMessage());
                previous.writeTo(realm);
                return;
            }
            LOG.infof("Realm '%s': login flows in line with two-factor method '%s'", realm.getName(), wanted.method().id());
        }
        // also where the flows stay as they are (a realm bound before this rule, at the next start)
        FlowBinding.alignBuiltInAppSetup(realm, wanted.method());
        wanted.writeTo(realm);
        if (firstEnablement && writer.logsOutOnFirstEnablement()) {
            Deauthorizer.logoutAllExcept(session, realm, caller);
        }
    }

    private static JsonNode field(String name, boolean value) {
        return JSON.createObjectNode().put(name, value);
    }

    /** The stored attributes that differ from the settings in force, by field name. */
    private static List<String> undone(RealmModel realm, TwoFactorSettings inForce) {
        List<String> fields = new ArrayList<>();
        for (Map.Entry<String, String> a : inForce.attributes().entrySet()) {
            String stored = realm.getAttribute(a.getKey());
            if (stored != null && !stored.equals(a.getValue())) {
                // the writer's value, cut short and on one line: it is anyone's text
                String shown = stored.replaceAll("\\p{Cntrl}", "?");
                fields.add(a.getKey().substring(TwoFactorSettings.ATTRIBUTE_PREFIX.length()) + "="
                        + (shown.length() > 40 ? shown.substring(0, 40) + "..." : shown));
            }
        }
        return fields;
    }

    private static boolean inLine(RealmModel realm, TwoFactorSettings settings) {
        return isBound(realm) == (settings.method().isEnabled() || settings.allowlist().isRestricted());
    }

    static boolean isBound(RealmModel realm) {
        AuthenticationFlowModel browser = realm.getBrowserFlow();
        return browser != null && FlowBinding.BROWSER_ALIAS.equals(browser.getAlias());
    }

    public static final class Factory extends WatchFactory {

        public Factory() {
            super(PROVIDER_ID, RealmWriteWatch::new);
        }

        /** A realm created (admin REST or the operator's import at start) arrives with settings nobody checked yet. */
        @Override
        public void postInit(KeycloakSessionFactory factory) {
            if (KeycloakRelease.refusal().isPresent()) {
                return; // on a release this JAR does not support, nothing is bound or changed (README, Compatibility)
            }
            factory.register(event -> {
                if (event instanceof RealmModel.RealmPostCreateEvent created) {
                    KeycloakSession session = created.getKeycloakSession();
                    // the phone attributes are declared from the start: undeclared, a realm whose user profile lets
                    // users write unmanaged attributes would let them write the confirmation flags too
                    FlowBinding.registerActionsAndProfile(session, created.getCreatedRealm());
                    PageClient.ensureHere(session, created.getCreatedRealm());
                    PageClient.scopeFromMaster(session, created.getCreatedRealm());
                    reconcile(session, created.getCreatedRealm(), Writer.CREATION, null);
                }
            });
        }
    }
}
