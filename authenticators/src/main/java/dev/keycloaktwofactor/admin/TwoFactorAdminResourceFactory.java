package dev.keycloaktwofactor.admin;

import dev.keycloaktwofactor.compat.KeycloakRelease;
import dev.keycloaktwofactor.compat.PlainFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/** Mounts {@link TwoFactorAdminResource} at {@code /admin/realms/{realm}/twofactor}, behind Keycloak's admin auth. */
public class TwoFactorAdminResourceFactory implements AdminRealmResourceProviderFactory, AdminRealmResourceProvider,
        PlainFactory<AdminRealmResourceProvider> {

    public static final String PROVIDER_ID = "twofactor";

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        return KeycloakRelease.refusal()
                .<Object>map(UnsupportedRelease::new)
                .orElseGet(() -> new TwoFactorAdminResource(session, realm, auth, adminEvent));
    }

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return this;
    }

    /** The resource's and the factory's: nothing to let go. */
    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
