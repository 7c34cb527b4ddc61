package dev.keycloaktwofactor.sms;

import dev.keycloaktwofactor.compat.PlainFactory;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

public interface SmsSenderFactory extends PlainFactory<SmsSender>, ServerInfoAwareProviderFactory {

    /** True once every option the gateway needs is set; SMS stays unavailable to realms until then. */
    boolean isConfigured();
}
