package dev.keycloaktwofactor.admin.page;

import dev.keycloaktwofactor.compat.RealmResourceFactory;
import org.keycloak.models.KeycloakSession;

/**
 * Mounts the admin Security page at {@code /realms/{realm}/twofactor-admin/}: static HTML, JS and CSS from the jar
 * (classpath {@code twofactor-admin/}). The page signs the admin in itself (OIDC code flow with PKCE against the
 * realm's public client {@value PageClient#CLIENT_ID}) and calls the admin REST API {@code /admin/realms/{realm}/twofactor}.
 */
public class AdminPageProviderFactory extends RealmResourceFactory {

    public static final String PROVIDER_ID = "twofactor-admin";

    /** The classpath folder the page's files are served from (admin-ui-theme/twofactor-admin/ in the sources). */
    static final String FOLDER = "twofactor-admin/";

    private final StaticAssets assets = new StaticAssets(FOLDER, AdminPageProviderFactory.class.getClassLoader());

    public AdminPageProviderFactory() {
        super(PROVIDER_ID);
    }

    @Override
    protected Object resource(KeycloakSession session) {
        return new AdminPageResource(session, assets);
    }
}
