package dev.keycloaktwofactor.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;

import java.time.Instant;

/**
 * What a realm's own admins must not be able to write, kept where they cannot: attributes of the realm's client in
 * the master realm ({@code {realm}-realm}, {@link RealmModel#getMasterAdminClient()}), which only master-realm admins
 * manage. Keycloak's realm update writes any realm attribute, so a realm attribute cannot hold these.
 * <ul>
 *   <li>{@code twofactor.smsActivated}: the operator's switch for SMS in this realm;</li>
 *   <li>{@code twofactor.settings.inForce}: the last valid settings, which stay in force when a realm attribute is
 *       written with a value that is not valid.</li>
 * </ul>
 */
public final class MasterSide {

    public static final String SMS_ACTIVATED = TwoFactorSettings.ATTRIBUTE_PREFIX + TwoFactorSettings.SMS_ACTIVATED;
    static final String IN_FORCE = TwoFactorSettings.ATTRIBUTE_PREFIX + "settings.inForce";
    private static final ObjectMapper JSON = new ObjectMapper();

    private MasterSide() {
    }

    /** SMS is activated only when a master-realm admin (or the operator's realm import) said so. */
    public static boolean smsActivated(RealmModel realm) {
        ClientModel client = client(realm);
        return client != null && "true".equals(client.getAttribute(SMS_ACTIVATED));
    }

    /** The last settings that were valid and in force, or null when the realm has none recorded yet. */
    public static TwoFactorSettings lastValid(RealmModel realm) {
        ClientModel client = client(realm);
        String json = client == null ? null : client.getAttribute(IN_FORCE);
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            var node = JSON.readTree(json);
            TwoFactorSettings settings = TwoFactorSettings.DEFAULTS.merge(node);
            String first = node.path(TwoFactorSettings.FIRST_ENABLED_AT).asText(null);
            return first == null ? settings : settings.withFirstEnabledAt(Instant.parse(first));
        } catch (Exception e) {
            // not ours or damaged: no last valid settings, the defaults stand in
            return null;
        }
    }

    /** Records the settings now in force, SMS activation included (the caller checked that it may change it). */
    static void record(RealmModel realm, TwoFactorSettings settings) {
        ClientModel client = client(realm);
        if (client == null) {
            return;
        }
        setIfChanged(client, SMS_ACTIVATED, Boolean.toString(settings.smsActivated()));
        try {
            setIfChanged(client, IN_FORCE, JSON.writeValueAsString(settings.toRepresentation(false)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void setIfChanged(ClientModel client, String name, String value) {
        if (!value.equals(client.getAttribute(name))) {
            client.setAttribute(name, value);
        }
    }

    private static ClientModel client(RealmModel realm) {
        return realm.getMasterAdminClient();
    }
}
