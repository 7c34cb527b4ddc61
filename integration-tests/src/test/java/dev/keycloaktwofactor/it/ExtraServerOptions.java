package dev.keycloaktwofactor.it;

import java.util.List;

/** Server options that later test fixtures (the Twilio-shaped endpoint, for one) add to the one Keycloak of the suite. */
final class ExtraServerOptions {

    private ExtraServerOptions() {
    }

    static List<String> get() {
        return List.of();
    }
}
