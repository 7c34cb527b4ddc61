package dev.keycloaktwofactor.compat;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;

/**
 * A provider factory of ours that has nothing to do at Keycloak's start or stop unless it says so: {@code init},
 * {@code postInit} and {@code close} do nothing here, once for all of them. A class that is its own provider too
 * (a required action, the admin resource) still says what its {@code close} does, since Keycloak's {@code Provider}
 * asks for one as well.
 */
public interface PlainFactory<T extends Provider> extends ProviderFactory<T> {

    @Override
    default void init(Config.Scope config) {
    }

    @Override
    default void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    default void close() {
    }
}
