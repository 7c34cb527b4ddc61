package dev.keycloaktwofactor.sms;

import dev.keycloaktwofactor.phone.PhoneMask;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;

import java.util.Map;

/** Provider {@code log}: writes each message to the server log instead of sending it. For development only. */
public class LogSmsSenderFactory implements SmsSenderFactory {

    public static final String PROVIDER_ID = "log";
    private static final Logger LOG = Logger.getLogger("dev.keycloaktwofactor.sms.log");

    private static final SmsSender SENDER = (to, text) ->
            LOG.infof("SMS to %s (log provider, nothing was sent): %s", PhoneMask.mask(to), text);

    @Override
    public SmsSender create(KeycloakSession session) {
        return SENDER;
    }

    @Override
    public boolean isConfigured() {
        return true;
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        return Map.of("delivery", "server log (development only)");
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
