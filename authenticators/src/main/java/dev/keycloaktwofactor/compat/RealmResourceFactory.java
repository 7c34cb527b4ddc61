package dev.keycloaktwofactor.compat;

import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/**
 * The factory of a resource of ours at {@code /realms/{realm}/{id}/} (the code page's delivery status, the Security
 * page): a new resource per request, bound to that request's session; nothing to read at start, nothing to stop.
 * It lives this low so that every layer's resources can share it.
 */
public abstract class RealmResourceFactory implements RealmResourceProviderFactory, PlainFactory<RealmResourceProvider> {

    private final String id;

    protected RealmResourceFactory(String id) {
        this.id = id;
    }

    /** The JAX-RS resource that answers this request. */
    protected abstract Object resource(KeycloakSession session);

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return resource(session);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public String getId() {
        return id;
    }
}
