package dev.keycloaktwofactor.flow;

import dev.keycloaktwofactor.compat.PlainFactory;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.jboss.logging.Logger;
import org.keycloak.OAuthErrorException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.idm.ClientPoliciesRepresentation;
import org.keycloak.representations.idm.ClientPolicyConditionRepresentation;
import org.keycloak.representations.idm.ClientPolicyExecutorConfigurationRepresentation;
import org.keycloak.representations.idm.ClientPolicyExecutorRepresentation;
import org.keycloak.representations.idm.ClientPolicyRepresentation;
import org.keycloak.representations.idm.ClientProfileRepresentation;
import org.keycloak.representations.idm.ClientProfilesRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProviderFactory;

import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses the CIBA grant (client-initiated backchannel authentication) while the realm requires a second factor. CIBA
 * signs a user in without the browser flow: the user only approves on a device through Keycloak's authentication
 * channel, so neither our policy step nor a password is involved, and a user session with tokens would come out of it.
 * Both the backchannel authentication request (so the user's device is not even asked) and the token request (for a
 * request started while 2FA was off) are refused with an OAuth error.
 *
 * <p>Keycloak runs client-policy executors only through a realm's client profiles and policies: {@link #ensureIn}
 * puts the profile {@value #PROFILE} and the policy {@value #POLICY} (condition: any client) into the realm; it is
 * called wherever the realm's flows are put in line with the settings (saves, realm creation, realm update, start).
 * The executor itself reads the realm's method at each request, so it can stay in place while 2FA is off.
 */
public class CibaGuard implements ClientPolicyExecutorProvider<ClientPolicyExecutorConfigurationRepresentation> {

    public static final String PROVIDER_ID = "twofactor-refuse-ciba";
    public static final String PROFILE = "twofactor-ciba";
    public static final String POLICY = "twofactor-ciba";
    static final String DESCRIPTION = "Two-factor authentication is required for this account: sign in through the browser.";
    private static final String ANY_CLIENT = "any-client";
    private static final Logger LOG = Logger.getLogger(CibaGuard.class);

    private final KeycloakSession session;

    CibaGuard(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public String getProviderId() {
        return PROVIDER_ID;
    }

    @Override
    public void executeOnEvent(ClientPolicyContext context) throws ClientPolicyException {
        switch (context.getEvent()) {
            case BACKCHANNEL_AUTHENTICATION_REQUEST, BACKCHANNEL_TOKEN_REQUEST -> {
                RealmModel realm = session.getContext().getRealm();
                if (realm != null && TwoFactorSettings.of(realm).method().isEnabled()) {
                    throw new ClientPolicyException(OAuthErrorException.ACCESS_DENIED, DESCRIPTION, Response.Status.BAD_REQUEST);
                }
            }
            default -> {
            }
        }
    }

    /** Puts our client profile and policy into the realm, as they should be. Idempotent: writes only what differs. */
    public static void ensureIn(KeycloakSession session, RealmModel realm) {
        RealmModel before = session.getContext().getRealm();
        session.getContext().setRealm(realm); // Keycloak's validation of conditions reads the context's realm
        try {
            ClientProfilesRepresentation profiles = session.clientPolicy().getClientProfiles(realm, false);
            List<ClientProfileRepresentation> profileList = profiles.getProfiles() == null ? new ArrayList<>()
                    : new ArrayList<>(profiles.getProfiles());
            ClientProfileRepresentation wantedProfile = profile();
            ClientProfileRepresentation ours = profileList.stream().filter(p -> PROFILE.equals(p.getName())).findFirst().orElse(null);
            if (ours == null || !hasOurExecutor(ours)) {
                profileList.removeIf(p -> PROFILE.equals(p.getName()));
                profileList.add(wantedProfile);
                profiles.setProfiles(profileList);
                profiles.setGlobalProfiles(null);
                session.clientPolicy().updateClientProfiles(realm, profiles);
            }
            ClientPoliciesRepresentation policies = session.clientPolicy().getClientPolicies(realm, false);
            List<ClientPolicyRepresentation> policyList = policies.getPolicies() == null ? new ArrayList<>()
                    : new ArrayList<>(policies.getPolicies());
            ClientPolicyRepresentation policy = policyList.stream().filter(p -> POLICY.equals(p.getName())).findFirst().orElse(null);
            if (policy == null || !inForce(policy)) {
                policyList.removeIf(p -> POLICY.equals(p.getName()));
                policyList.add(policy());
                policies.setPolicies(policyList);
                policies.setGlobalPolicies(null);
                session.clientPolicy().updateClientPolicies(realm, policies);
            }
        } catch (ClientPolicyException e) {
            LOG.warnf("Realm '%s': could not put the client policy that refuses CIBA under two-factor: %s %s",
                    realm.getName(), e.getError(), e.getErrorDetail());
        } finally {
            session.getContext().setRealm(before);
        }
    }

    private static boolean hasOurExecutor(ClientProfileRepresentation have) {
        List<ClientPolicyExecutorRepresentation> executors = have.getExecutors();
        return executors != null && executors.stream().anyMatch(e -> PROVIDER_ID.equals(e.getExecutorProviderId()));
    }

    private static boolean inForce(ClientPolicyRepresentation policy) {
        return !Boolean.FALSE.equals(policy.isEnabled())
                && policy.getProfiles() != null && policy.getProfiles().contains(PROFILE)
                && policy.getConditions() != null && policy.getConditions().size() == 1
                && ANY_CLIENT.equals(policy.getConditions().get(0).getConditionProviderId())
                && (policy.getConditions().get(0).getConfiguration() == null
                    || !policy.getConditions().get(0).getConfiguration().path("is-negative-logic").asBoolean(false));
    }

    private static ClientProfileRepresentation profile() {
        ClientPolicyExecutorRepresentation executor = new ClientPolicyExecutorRepresentation();
        executor.setExecutorProviderId(PROVIDER_ID);
        executor.setConfiguration(JsonNodeFactory.instance.objectNode());
        ClientProfileRepresentation profile = new ClientProfileRepresentation();
        profile.setName(PROFILE);
        profile.setDescription("Two-factor: refuses CIBA while the realm's Security page requires a second factor (kept by the two-factor extension).");
        profile.setExecutors(new ArrayList<>(List.of(executor)));
        return profile;
    }

    private static ClientPolicyRepresentation policy() {
        ClientPolicyConditionRepresentation anyClient = new ClientPolicyConditionRepresentation();
        anyClient.setConditionProviderId(ANY_CLIENT);
        anyClient.setConfiguration(JsonNodeFactory.instance.objectNode());
        ClientPolicyRepresentation policy = new ClientPolicyRepresentation();
        policy.setName(POLICY);
        policy.setDescription("Two-factor: no CIBA sign-in bypasses the second factor (kept by the two-factor extension).");
        policy.setEnabled(true);
        policy.setConditions(new ArrayList<>(List.of(anyClient)));
        policy.setProfiles(new ArrayList<>(List.of(PROFILE)));
        return policy;
    }

    public static class Factory implements ClientPolicyExecutorProviderFactory, PlainFactory<ClientPolicyExecutorProvider> {

        @Override
        public ClientPolicyExecutorProvider create(KeycloakSession session) {
            return new CibaGuard(session);
        }

        @Override
        public String getId() {
            return PROVIDER_ID;
        }

        @Override
        public String getHelpText() {
            return "Two-factor: refuses CIBA (backchannel authentication and its token request) while the realm's Security page requires a second factor.";
        }

        @Override
        public List<ProviderConfigProperty> getConfigProperties() {
            return List.of();
        }
    }
}
