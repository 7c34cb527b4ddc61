package dev.keycloaktwofactor.sms;

import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

public interface SmsSenderFactory extends ProviderFactory<SmsSender>, ServerInfoAwareProviderFactory {

    /** True once every option the gateway needs is set; SMS stays unavailable to realms until then. */
    boolean isConfigured();
}
