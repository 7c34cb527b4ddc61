package dev.keycloaktwofactor.admin.page;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Encode;
import org.keycloak.models.Constants;
import org.keycloak.Config;
import org.keycloak.models.AdminRoles;
import org.keycloak.models.ClientModel;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RoleModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCConfigAttributes;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.services.managers.ClientManager;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

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
    /**
     * What the page calls needs (Keycloak checks the admin's live roles AND the token's scope): list the realms, read
     * and save the settings, list, view and manage users. Nothing else (clients, roles, identity providers...).
     */
    static final List<String> PAGE_ROLES = List.of(AdminRoles.QUERY_REALMS, AdminRoles.VIEW_REALM, AdminRoles.MANAGE_REALM,
            AdminRoles.QUERY_USERS, AdminRoles.VIEW_USERS, AdminRoles.MANAGE_USERS);
    private static final Logger LOG = Logger.getLogger(PageClient.class);

    private PageClient() {
    }

    /** The page's path under the server's base URL, e.g. {@code /realms/acme/twofactor-admin/}. */
    static String pagePath(RealmModel realm) {
        return "/realms/" + Encode.encodePathAsIs(realm.getName()) + "/" + AdminPageProviderFactory.PROVIDER_ID + "/";
    }

    /**
     * Creates the client inside the caller's transaction (realm creation, the start-up reconciliation, a settings
     * save: always an authenticated action or the operator's start, never a page visit), so that the admin console
     * lists "Two-factor Security page" under Clients with the page as its Home URL. An existing client (maybe adjusted
     * by an admin) keeps everything but its scope: its tokens carry only the admin roles the page needs.
     */
    public static void ensureHere(KeycloakSession session, RealmModel realm) {
        ClientModel client = realm.getClientByClientId(CLIENT_ID);
        if (client == null) {
            client = ClientManager.createClient(session, realm, representation(realm));
            LOG.infof("Created the public client '%s' of realm '%s' for the Security page %s", CLIENT_ID, realm.getName(),
                    pagePath(realm));
        }
        if (client.isFullScopeAllowed()) {
            client.setFullScopeAllowed(false);
        }
        Stream<ClientModel> management = Config.getAdminRealm().equals(realm.getName())
                // a master-realm admin manages every realm through its client in master
                ? session.realms().getRealmsStream().map(RealmModel::getMasterAdminClient)
                : Stream.of(realm.getClientByClientId(Constants.REALM_MANAGEMENT_CLIENT_ID));
        ClientModel page = client;
        management.filter(Objects::nonNull).forEach(m -> scopePageRoles(page, m));
    }

    /**
     * A realm created after the master realm's page client: its admin roles in master join that client's scope. Done
     * once the creating transaction has committed, in a transaction of its own: a write to the master realm's client
     * made inside a realm creation over the admin REST API was not kept (Keycloak 26.7.3).
     */
    public static void scopeFromMaster(KeycloakSession session, RealmModel created) {
        String realmId = created.getId();
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                KeycloakModelUtils.runJobInTransaction(factory, s -> {
                    RealmModel realm = s.realms().getRealm(realmId);
                    RealmModel master = s.realms().getRealmByName(Config.getAdminRealm());
                    ClientModel page = master == null ? null : master.getClientByClientId(CLIENT_ID);
                    ClientModel management = realm == null ? null : realm.getMasterAdminClient();
                    if (page != null && management != null) {
                        scopePageRoles(page, management);
                    }
                });
            }

            @Override
            protected void rollbackImpl() {
            }
        });
    }

    private static void scopePageRoles(ClientModel page, ClientModel management) {
        for (String name : PAGE_ROLES) {
            RoleModel role = management.getRole(name);
            if (role != null && !page.hasDirectScope(role)) {
                page.addScopeMapping(role);
            }
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
        c.setFullScopeAllowed(false);
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
