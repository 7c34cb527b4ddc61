package dev.keycloaktwofactor.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * The user's authentication device for Keycloak's CIBA HTTP authentication channel
 * ({@code --spi-ciba-auth-channel--ciba-http-auth-channel--http-authentication-channel-uri}): it takes each
 * "please ask this user" request with 201 and records it; the test then approves (or not) through Keycloak's callback
 * endpoint with the bearer token the request carried, as the device would.
 */
public final class CibaChannelStub {

    public record Asked(String loginHint, String bearer) {
    }

    private final HttpServer server;
    private final List<Asked> asked = new CopyOnWriteArrayList<>();

    private CibaChannelStub(HttpServer server) {
        this.server = server;
    }

    public static CibaChannelStub start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        CibaChannelStub stub = new CibaChannelStub(server);
        server.createContext("/", stub::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        return stub;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/ciba/ask";
    }

    /** The requests that asked {@code username}'s device, oldest first. */
    public List<Asked> askedFor(String username) {
        return asked.stream().filter(a -> username.equals(a.loginHint())).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        JsonNode request = Json.parse(body);
        asked.add(new Asked(request.path("login_hint").asText(null),
                auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null));
        exchange.sendResponseHeaders(201, -1);
        exchange.close();
    }
}
