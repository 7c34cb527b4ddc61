package dev.keycloaktwofactor.admin.page;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Encode;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.protocol.oidc.OIDCConfigAttributes;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.services.managers.ClientManager;

import java.util.List;
import java.util.Map;

/**
 * The realm's public OIDC client the Security page signs in with, made the way Keycloak makes its own admin
 * console client: public, code flow only, PKCE S256 required, lightweight access tokens (the admin REST resolves
 * roles from the user, so tokens stay small for a master admin of many realms), and one redirect URI: the page's
 * own URL. That URI is written relative to {@code ${authBaseUrl}}, Keycloak's placeholder for "this server as
 * the browser reaches it", so a forged {@code Host} header on the first request cannot plant another host.
 */
public final class PageClient {

    static final String CLIENT_ID = "twofactor-admin";
    /** Keycloak's "+" (web origins / post-logout URIs = the redirect URIs); its constant moved class in 26.6. */
    private static final String SAME_AS_REDIRECTS = "+";
    private static final Logger LOG = Logger.getLogger(PageClient.class);

    private PageClient() {
    }

    /** The page's path under the server's base URL, e.g. {@code /realms/acme/twofactor-admin/}. */
    static String pagePath(RealmModel realm) {
        return "/realms/" + Encode.encodePathAsIs(realm.getName()) + "/" + AdminPageProviderFactory.PROVIDER_ID + "/";
    }

    /**
     * Creates the client inside the caller's transaction (a settings save, the start-up reconciliation), so that the
     * admin console lists "Two-factor Security page" under Clients with the page as its Home URL before anyone
     * opened it. An existing client (maybe adjusted by an admin) is left alone.
     */
    public static void ensureHere(KeycloakSession session, RealmModel realm) {
        if (realm.getClientByClientId(CLIENT_ID) == null) {
            ClientManager.createClient(session, realm, representation(realm));
            LOG.infof("Created the public client '%s' of realm '%s' for the Security page %s", CLIENT_ID, realm.getName(),
                    pagePath(realm));
        }
    }

    /** Creates the client when the realm has none; an existing one (maybe adjusted by an admin) is left alone. */
    static void ensure(KeycloakSession session, RealmModel realm) {
        if (realm.getClientByClientId(CLIENT_ID) != null) {
            return;
        }
        String realmId = realm.getId();
        try {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), session.getContext(), s -> {
                RealmModel r = s.realms().getRealm(realmId);
                if (r != null) {
                    ensureHere(s, r);
                }
            });
        } catch (RuntimeException e) {
            // Two first visits at once: the other one made it. Anything else shows up at sign-in.
            LOG.debugf(e, "Could not create the client '%s' of realm '%s'", CLIENT_ID, realm.getName());
        }
    }

    static ClientRepresentation representation(RealmModel realm) {
        ClientRepresentation c = new ClientRepresentation();
        c.setClientId(CLIENT_ID);
        c.setName("Two-factor Security page");
        c.setDescription("Sign-in for the admin Security page " + pagePath(realm) + " (keycloak-twofactor).");
        c.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        c.setEnabled(true);
        c.setPublicClient(true);
        c.setStandardFlowEnabled(true);
        c.setImplicitFlowEnabled(false);
        c.setDirectAccessGrantsEnabled(false);
        c.setServiceAccountsEnabled(false);
        c.setBearerOnly(false);
        c.setConsentRequired(false);
        c.setFrontchannelLogout(true);
        c.setFullScopeAllowed(true);
        c.setAlwaysDisplayInConsole(false);
        c.setRootUrl(Constants.AUTH_BASE_URL_PROP);
        // the admin console shows this as the client's Home URL: the way to the page from the console
        c.setBaseUrl(pagePath(realm));
        c.setRedirectUris(List.of(pagePath(realm)));
        c.setWebOrigins(List.of(SAME_AS_REDIRECTS));
        c.setAttributes(Map.of(
                OIDCConfigAttributes.PKCE_CODE_CHALLENGE_METHOD, "S256",
                OIDCConfigAttributes.POST_LOGOUT_REDIRECT_URIS, SAME_AS_REDIRECTS,
                Constants.USE_LIGHTWEIGHT_ACCESS_TOKEN_ENABLED, "true",
                "oauth2.device.authorization.grant.enabled", "false",
                "oidc.ciba.grant.enabled", "false"));
        return c;
    }
}
