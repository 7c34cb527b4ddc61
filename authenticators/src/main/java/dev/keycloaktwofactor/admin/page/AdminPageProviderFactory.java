package dev.keycloaktwofactor.admin.page;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/**
 * Mounts the admin Security page at {@code /realms/{realm}/twofactor-admin/}: static HTML, JS and CSS from the jar
 * (classpath {@code twofactor-admin/}). The page signs the admin in itself (OIDC code flow with PKCE against the
 * realm's public client {@value PageClient#CLIENT_ID}) and calls the admin REST API {@code /admin/realms/{realm}/twofactor}.
 */
public class AdminPageProviderFactory implements RealmResourceProviderFactory {

    public static final String PROVIDER_ID = "twofactor-admin";

    /** The classpath folder the page's files are served from (admin-ui-theme/twofactor-admin/ in the sources). */
    static final String FOLDER = "twofactor-admin/";

    private final StaticAssets assets = new StaticAssets(FOLDER, AdminPageProviderFactory.class.getClassLoader());

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return new AdminPageResource(session, assets);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
