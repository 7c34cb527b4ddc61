package dev.keycloaktwofactor.sms;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.Config;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The twilio provider's options take effect: the real Twilio SDK, pointed by api-base-url at a loopback endpoint. */
class TwilioSmsSenderFactoryTest {

    private HttpServer server;
    private final List<Map<String, String>> forms = new CopyOnWriteArrayList<>();
    private volatile int delayMillis;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> form = new LinkedHashMap<>();
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            form.put("path", exchange.getRequestURI().getPath());
            forms.add(form);
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] answer = "{\"sid\": \"SM1\", \"status\": \"queued\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(201, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private TwilioSmsSenderFactory factory(Map<String, String> options) {
        Map<String, String> all = new HashMap<>(Map.of("account-sid", "AC1", "auth-token", "secret",
                "api-base-url", "http://127.0.0.1:" + server.getAddress().getPort()));
        all.putAll(options);
        TwilioSmsSenderFactory f = new TwilioSmsSenderFactory();
        f.init(new MapScope(all));
        return f;
    }

    @Test
    void aMessagingServiceSidIsSentInsteadOfAFromNumber() throws Exception {
        TwilioSmsSenderFactory f = factory(Map.of("messaging-service-sid", "MG123"));
        assertThat(f.isConfigured()).isTrue();
        f.create(null).send("+14155550100", "Acme: your sign-in code is 123456.");
        assertThat(forms).singleElement().satisfies(form -> {
            assertThat(form).containsEntry("MessagingServiceSid", "MG123").containsEntry("To", "+14155550100")
                    .doesNotContainKey("From");
            assertThat(form.get("path")).isEqualTo("/2010-04-01/Accounts/AC1/Messages.json");
        });
    }

    @Test
    void withoutCredentialsOrASenderTheGatewayIsNotConfigured() {
        assertThat(factory(Map.of()).isConfigured()).as("no from and no messaging service").isFalse();
        TwilioSmsSenderFactory noToken = new TwilioSmsSenderFactory();
        noToken.init(new MapScope(Map.of("account-sid", "AC1", "from", "+15005550006")));
        assertThat(noToken.isConfigured()).isFalse();
    }

    @Test
    void theReadTimeoutIsHonouredAndReportedWithoutTheNumber() {
        delayMillis = 3000;
        TwilioSmsSenderFactory f = factory(Map.of("from", "+15005550006", "read-timeout-millis", "500"));
        long start = System.nanoTime();
        assertThatThrownBy(() -> f.create(null).send("+14155550100", "code 123456"))
                .isInstanceOf(SmsDeliveryException.class)
                .hasMessageNotContaining("4155550100")
                .hasMessageNotContaining("123456");
        assertThat((System.nanoTime() - start) / 1_000_000).as("gave up well before the endpoint answered").isLessThan(2900);
    }

    @Test
    void serverInfoHidesTheToken() {
        Map<String, String> info = factory(Map.of("from", "+15005550006")).getOperationalInfo();
        assertThat(info.get("auth-token")).isEqualTo("(hidden)");
        assertThat(info.values()).noneMatch(v -> v.contains("secret"));
    }

    /** Server options as Keycloak hands them to a provider. */
    private record MapScope(Map<String, String> values) implements Config.Scope {
        public String get(String key) { return values.get(key); }
        public String get(String key, String defaultValue) { return values.getOrDefault(key, defaultValue); }
        public String[] getArray(String key) { String v = values.get(key); return v == null ? null : v.split(","); }
        public Integer getInt(String key) { String v = values.get(key); return v == null ? null : Integer.valueOf(v); }
        public Integer getInt(String key, Integer defaultValue) { String v = values.get(key); return v == null ? defaultValue : Integer.valueOf(v); }
        public Long getLong(String key) { String v = values.get(key); return v == null ? null : Long.valueOf(v); }
        public Long getLong(String key, Long defaultValue) { String v = values.get(key); return v == null ? defaultValue : Long.valueOf(v); }
        public Boolean getBoolean(String key) { String v = values.get(key); return v == null ? null : Boolean.valueOf(v); }
        public Boolean getBoolean(String key, Boolean defaultValue) { String v = values.get(key); return v == null ? defaultValue : Boolean.valueOf(v); }
        public Config.Scope scope(String... scope) { return new MapScope(Map.of()); }
        public Set<String> getPropertyNames() { return values.keySet(); }
        public Config.Scope root() { return this; }
    }
}
