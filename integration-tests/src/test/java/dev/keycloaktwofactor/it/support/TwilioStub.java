package dev.keycloaktwofactor.it.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Twilio-shaped HTTP endpoint on loopback for the real Twilio SDK inside Keycloak: it answers
 * {@code POST /2010-04-01/Accounts/{sid}/Messages.json} the way Twilio does, records what it received, and
 * injects faults by the last digits of the destination number: ...0400 gets a 400, ...0500 a 500, ...0999
 * no answer before the client's read timeout; {@link #rejectCredentials} makes every request a 401.
 */
public final class TwilioStub implements AutoCloseable {

    public static final String ACCOUNT_SID = "AC00000000000000000000000000000001";
    public static final String AUTH_TOKEN = "stub-auth-token-not-a-secret";
    public static final String FROM = "+15005550006";

    public record Received(String method, String path, String authorization, Map<String, String> form) {
        public String to() {
            return form.get("To");
        }

        public String body() {
            return form.get("Body");
        }

        /** The code in the text, as a person reads it off their phone. */
        public String code() {
            java.util.regex.Matcher m = CODE.matcher(body());
            if (!m.find()) {
                throw new AssertionError("No code in the text: " + body());
            }
            return m.group(1);
        }
    }

    private static final Pattern CODE = Pattern.compile("\\b(\\d{6,10})\\b");

    private static final Pattern MESSAGES = Pattern.compile("^/2010-04-01/Accounts/([^/]+)/Messages\\.json$");

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    public volatile boolean rejectCredentials;
    /** Every answer comes this much later (a slow gateway; beyond the client's read timeout, a timeout). */
    public volatile long delayMillis;
    /** When not 0, every send is answered with this status (a gateway that fails), until set back. */
    public volatile int failWith;

    private TwilioStub(HttpServer server) {
        this.server = server;
    }

    public static TwilioStub start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        TwilioStub stub = new TwilioStub(server);
        server.createContext("/", stub::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        return stub;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * How many texts the stub has received once no new one arrived for a second (at most 20 s): texts go out after
     * the page answers (issue 17), so an earlier test's send may still be on its way. Tests that assert "nothing
     * more reached the gateway" count from here.
     */
    public int settledCount() {
        long end = System.currentTimeMillis() + 20_000;
        int seen = received.size();
        long quietSince = System.currentTimeMillis();
        while (System.currentTimeMillis() < end) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            int now = received.size();
            if (now != seen) {
                seen = now;
                quietSince = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - quietSince >= 1000) {
                break;
            }
        }
        return seen;
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    public List<Received> to(String number) {
        return received.stream().filter(r -> number.equals(r.to())).toList();
    }

    public Received awaitTo(String number, int countBefore, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<Received> sent = to(number);
            if (sent.size() > countBefore) {
                return sent.get(sent.size() - 1);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("No SMS to " + number + " within " + timeout);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), auth, form));

        Matcher m = MESSAGES.matcher(exchange.getRequestURI().getPath());
        String expectedAuth = "Basic " + Base64.getEncoder().encodeToString((ACCOUNT_SID + ":" + AUTH_TOKEN).getBytes(StandardCharsets.UTF_8));
        if (rejectCredentials || !expectedAuth.equals(auth)) {
            answer(exchange, 401, "{\"code\": 20003, \"message\": \"Authenticate\", \"more_info\": \"https://www.twilio.com/docs/errors/20003\", \"status\": 401}");
            return;
        }
        if (!"POST".equals(exchange.getRequestMethod()) || !m.matches() || !ACCOUNT_SID.equals(m.group(1))) {
            answer(exchange, 404, "{\"code\": 20404, \"message\": \"The requested resource was not found\", \"status\": 404}");
            return;
        }
        String to = form.getOrDefault("To", "");
        long delay = delayMillis;
        if (delay > 0) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failWith != 0) {
            answer(exchange, failWith, "{\"code\": 20500, \"message\": \"Internal Server Error\", \"status\": " + failWith + "}");
            return;
        }
        if (to.endsWith("0400")) {
            answer(exchange, 400, "{\"code\": 21211, \"message\": \"The 'To' number " + to + " is not a valid phone number.\", \"more_info\": \"https://www.twilio.com/docs/errors/21211\", \"status\": 400}");
            return;
        }
        if (to.endsWith("0500")) {
            answer(exchange, 500, "{\"code\": 20500, \"message\": \"Internal Server Error\", \"status\": 500}");
            return;
        }
        if (to.endsWith("0999")) {
            try {
                Thread.sleep(6000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        answer(exchange, 201, "{\"sid\": \"" + sid + "\", \"account_sid\": \"" + ACCOUNT_SID + "\", \"to\": \"" + to
                + "\", \"from\": \"" + form.getOrDefault("From", "") + "\", \"status\": \"queued\", \"num_segments\": \"1\","
                + " \"direction\": \"outbound-api\", \"api_version\": \"2010-04-01\", \"price\": null, \"error_code\": null,"
                + " \"uri\": \"/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages/" + sid + ".json\"}");
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
