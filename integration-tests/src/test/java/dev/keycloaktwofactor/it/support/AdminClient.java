package dev.keycloaktwofactor.it.support;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/** Keycloak's admin REST API over plain HTTP, as a script or the admin console calls it, with one bearer token. */
public final class AdminClient {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final String baseUrl;
    private volatile String token;
    /** Only for the bootstrap admin: a new token when the old one expired (master tokens live 60 s). */
    private final java.util.function.Supplier<String> renew;

    public AdminClient(String baseUrl, String token) {
        this(baseUrl, token, null);
    }

    private AdminClient(String baseUrl, String token, java.util.function.Supplier<String> renew) {
        this.baseUrl = baseUrl;
        this.token = token;
        this.renew = renew;
    }

    /**
     * The bootstrap admin of the master realm. Its token lives 60 s, less than some test classes (and a loaded
     * machine) take, so a 401 is answered once by signing in again: for this admin a 401 can only mean expiry.
     */
    public static AdminClient master(KeycloakServer kc) {
        java.util.function.Supplier<String> signIn = () ->
                passwordGrant(kc, "master", KeycloakServer.ADMIN_USER, KeycloakServer.ADMIN_PASSWORD).token;
        return new AdminClient(kc.baseUrl(), signIn.get(), signIn);
    }

    /** A user's token from {@code admin-cli} of their realm (direct grant: works only while that realm allows it). */
    public static AdminClient passwordGrant(KeycloakServer kc, String realm, String username, String password) {
        return passwordGrant(kc.baseUrl(), realm, username, password);
    }

    /** The same, from the server at {@code baseUrl} (a node of the cluster). */
    public static AdminClient passwordGrant(String baseUrl, String realm, String username, String password) {
        HttpAnswer answer = tokenRequest(baseUrl, realm, Map.of("grant_type", "password", "client_id", "admin-cli",
                "username", username, "password", password));
        if (answer.status() != 200) {
            throw new IllegalStateException("No token for " + username + "@" + realm + ": " + answer);
        }
        return new AdminClient(baseUrl, answer.json().get("access_token").asText());
    }

    public static HttpAnswer tokenRequest(KeycloakServer kc, String realm, Map<String, String> form) {
        return tokenRequest(kc.baseUrl(), realm, form);
    }

    public static HttpAnswer tokenRequest(String baseUrl, String realm, Map<String, String> form) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formEncode(form))).build());
    }

    public String token() {
        return token;
    }

    /** The same token, sent to another server (a token of one cluster node is good on the other). */
    public AdminClient at(String otherBaseUrl) {
        return new AdminClient(otherBaseUrl, token);
    }

    public HttpAnswer get(String path) {
        return call(() -> request(path).GET().build());
    }

    public HttpAnswer delete(String path) {
        return call(() -> request(path).DELETE().build());
    }

    public HttpAnswer post(String path, Object body) {
        return call(() -> request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : Json.write(body))).build());
    }

    public HttpAnswer put(String path, Object body) {
        return call(() -> request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(Json.write(body))).build());
    }

    private HttpAnswer call(java.util.function.Supplier<HttpRequest> request) {
        HttpAnswer answer = send(request.get());
        if (answer.status() == 401 && renew != null) {
            token = renew.get();
            answer = send(request.get());
        }
        return answer;
    }

    /** The answer's JSON, failing the test with the whole answer when the status is not 2xx. */
    public JsonNode ok(HttpAnswer answer) {
        if (answer.status() / 100 != 2) {
            throw new AssertionError("Expected success, got " + answer);
        }
        return answer.json();
    }

    private HttpRequest.Builder request(String path) {
        String url = path.startsWith("http") ? path : baseUrl + "/admin/realms" + path;
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
    }

    public static HttpAnswer send(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new HttpAnswer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String formEncode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
