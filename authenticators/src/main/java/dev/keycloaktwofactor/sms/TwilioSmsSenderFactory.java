package dev.keycloaktwofactor.sms;

import dev.keycloaktwofactor.phone.PhoneMask;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.rest.api.v2010.account.MessageCreator;
import com.twilio.type.PhoneNumber;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Provider {@code twilio}: texts through Twilio's Programmable Messaging API with the Twilio Java SDK (bundled).
 * Server-wide options only ({@code --spi-twofactor-sms--twilio--*}): secrets never live in realm data.
 */
public class TwilioSmsSenderFactory implements SmsSenderFactory {

    public static final String PROVIDER_ID = "twilio";
    private static final Logger LOG = Logger.getLogger(TwilioSmsSenderFactory.class);

    static final String ACCOUNT_SID = "account-sid";
    static final String AUTH_TOKEN = "auth-token";
    static final String FROM = "from";
    static final String MESSAGING_SERVICE_SID = "messaging-service-sid";
    static final String API_BASE_URL = "api-base-url";
    static final String CONNECT_TIMEOUT = "connect-timeout-millis";
    static final String READ_TIMEOUT = "read-timeout-millis";

    private String accountSid;
    private String authToken;
    private String from;
    private String messagingServiceSid;
    private String apiBaseUrl;
    private int connectTimeout;
    private int readTimeout;
    private volatile TwilioRestClient client;

    @Override
    public void init(Config.Scope config) {
        accountSid = trimmed(config.get(ACCOUNT_SID));
        authToken = trimmed(config.get(AUTH_TOKEN));
        from = trimmed(config.get(FROM));
        messagingServiceSid = trimmed(config.get(MESSAGING_SERVICE_SID));
        apiBaseUrl = trimmed(config.get(API_BASE_URL, RebasedHttpClient.TWILIO_API));
        connectTimeout = config.getInt(CONNECT_TIMEOUT, 5000);
        readTimeout = config.getInt(READ_TIMEOUT, 10000);
    }

    @Override
    public boolean isConfigured() {
        return accountSid != null && authToken != null && (from != null || messagingServiceSid != null);
    }

    @Override
    public SmsSender create(KeycloakSession session) {
        return this::send;
    }

    private void send(String to, String text) throws SmsDeliveryException {
        if (!isConfigured()) {
            throw new SmsDeliveryException("the twilio provider is missing account-sid, auth-token, or from/messaging-service-sid");
        }
        MessageCreator creator = messagingServiceSid != null
                ? Message.creator(new PhoneNumber(to), messagingServiceSid, text)
                : Message.creator(new PhoneNumber(to), new PhoneNumber(from), text);
        try {
            Message sent = creator.create(client());
            LOG.debugf("Twilio accepted message %s to %s", sent.getSid(), PhoneMask.mask(to));
        } catch (ApiException e) {
            throw new SmsDeliveryException("Twilio refused the message to " + PhoneMask.mask(to) + ": HTTP "
                    + e.getStatusCode() + ", Twilio error " + e.getCode(), null);
        } catch (RuntimeException e) {
            throw new SmsDeliveryException("Twilio could not be reached for the message to " + PhoneMask.mask(to)
                    + ": " + e.getClass().getSimpleName(), null);
        }
    }

    private TwilioRestClient client() {
        TwilioRestClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = new TwilioRestClient.Builder(accountSid, authToken)
                            .httpClient(new RebasedHttpClient(apiBaseUrl, connectTimeout, readTimeout))
                            .build();
                }
                c = client;
            }
        }
        return c;
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("configured", Boolean.toString(isConfigured()));
        info.put(ACCOUNT_SID, accountSid == null ? "(not set)" : accountSid.substring(0, Math.min(6, accountSid.length())) + "…");
        info.put(AUTH_TOKEN, authToken == null ? "(not set)" : "(hidden)");
        info.put(FROM, from == null ? "(not set)" : PhoneMask.mask(from));
        info.put(MESSAGING_SERVICE_SID, messagingServiceSid == null ? "(not set)" : messagingServiceSid);
        info.put(API_BASE_URL, apiBaseUrl);
        info.put(CONNECT_TIMEOUT, Integer.toString(connectTimeout));
        info.put(READ_TIMEOUT, Integer.toString(readTimeout));
        return info;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(ACCOUNT_SID).type("string").helpText("Twilio account SID (AC...).").add()
                .property().name(AUTH_TOKEN).type("password").secret(true).helpText("Twilio auth token.").add()
                .property().name(FROM).type("string").helpText("Sender number in E.164, or use messaging-service-sid.").add()
                .property().name(MESSAGING_SERVICE_SID).type("string").helpText("Twilio messaging service SID (MG...), instead of from.").add()
                .property().name(API_BASE_URL).type("string").defaultValue(RebasedHttpClient.TWILIO_API)
                        .helpText("Base URL of the Twilio REST API (a proxy or a test endpoint).").add()
                .property().name(CONNECT_TIMEOUT).type("int").defaultValue(5000).helpText("Connect timeout in milliseconds.").add()
                .property().name(READ_TIMEOUT).type("int").defaultValue(10000).helpText("Read timeout in milliseconds.").add()
                .build();
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    private static String trimmed(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }
}
