package dev.keycloaktwofactor.it.support;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fresh realm per test class, made through the admin REST API the way an admin would: an OIDC client to sign in
 * to, SMTP pointed at the suite's mail catcher, brute-force protection on, and users added on demand.
 */
public final class TestRealm {

    public static final String CLIENT_ID = "twofactor-it";
    public static final String REDIRECT_URI = "http://localhost/it-callback";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** The suite's one server; null for a realm on the cluster. */
    public final KeycloakServer kc;
    public final AdminClient admin;
    public final String name;
    /** Where the browser starts its login (the server, or the cluster's public address). */
    public final String frontUrl;
    /** Where the application's own calls go (token, userinfo): the server, or one node of the cluster. */
    public final String backUrl;
    private final dev.keycloaktwofactor.devtools.MailCatcher mail;

    private TestRealm(KeycloakServer kc, AdminClient admin, String name) {
        this(kc, admin, name, kc.baseUrl(), kc.baseUrl(), kc.mail());
    }

    private TestRealm(KeycloakServer kc, AdminClient admin, String name, String frontUrl, String backUrl,
                      dev.keycloaktwofactor.devtools.MailCatcher mail) {
        this.kc = kc;
        this.admin = admin;
        this.name = name;
        this.frontUrl = frontUrl;
        this.backUrl = backUrl;
        this.mail = mail;
    }

    public static TestRealm create(String prefix) {
        KeycloakServer kc = KeycloakServer.get();
        AdminClient admin = AdminClient.master(kc);
        String name = newName(prefix);
        admin.ok(admin.post("", realmRepresentation(name, kc.mail().smtpPort())));
        return new TestRealm(kc, admin, name);
    }

    /**
     * A fresh realm on a cluster, made through node {@code adminNode}; browsers start at {@code frontUrl} (the
     * public address), the application's calls go to {@code backUrl}.
     */
    public static TestRealm onCluster(String prefix, String frontUrl, String adminNode, dev.keycloaktwofactor.devtools.MailCatcher mail) {
        AdminClient admin = AdminClient.passwordGrant(adminNode, "master", KeycloakServer.ADMIN_USER, KeycloakServer.ADMIN_PASSWORD);
        String name = newName(prefix);
        admin.ok(admin.post("", realmRepresentation(name, mail.smtpPort())));
        return new TestRealm(null, admin, name, frontUrl, adminNode, mail);
    }

    /** The same realm, with the admin's and the application's calls going to {@code nodeUrl} instead. */
    public TestRealm via(String nodeUrl) {
        return new TestRealm(kc, admin.at(nodeUrl), name, frontUrl, nodeUrl, mail);
    }

    public dev.keycloaktwofactor.devtools.MailCatcher mail() {
        return mail;
    }

    private static String newName(String prefix) {
        return prefix + "-" + COUNTER.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 100000, 36);
    }

    private static Map<String, Object> realmRepresentation(String name, int smtpPort) {
        Map<String, Object> realm = new LinkedHashMap<>();
        realm.put("realm", name);
        realm.put("enabled", true);
        realm.put("bruteForceProtected", true);
        realm.put("failureFactor", 5);
        // tests post faster than people type: keep Keycloak's "two failures within a second" lock out of the way
        realm.put("quickLoginCheckMilliSeconds", 1);
        realm.put("accessTokenLifespan", 3600);
        realm.put("smtpServer", Map.of("host", "127.0.0.1", "port", String.valueOf(smtpPort),
                "from", "keycloak@example.test", "fromDisplayName", "Keycloak"));
        realm.put("clients", List.of(Map.of(
                "clientId", CLIENT_ID,
                "publicClient", true,
                "standardFlowEnabled", true,
                "directAccessGrantsEnabled", true,
                "redirectUris", List.of(REDIRECT_URI + "*"),
                "attributes", Map.of("pkce.code.challenge.method", ""))));
        return realm;
    }

    /**
     * Keycloak's brute-force state of a user once it has counted {@code failures} failures: the protector records
     * them on a background executor, so a read right after the answer may not show the last one yet.
     */
    public com.fasterxml.jackson.databind.JsonNode bruteForceStatus(String userId, int failures) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (true) {
            com.fasterxml.jackson.databind.JsonNode status = admin.ok(admin.get("/" + name + "/attack-detection/brute-force/users/" + userId));
            if (status.path("numFailures").asInt() >= failures || System.nanoTime() > deadline) {
                return status;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return status;
            }
        }
    }

    /** A new realm with SMS activated (as a master-realm admin does) and the method "sms" plus {@code settings}. */
    public static TestRealm withSms(String prefix, Map<String, Object> settings) {
        TestRealm r = create(prefix);
        r.admin.ok(r.putSettings(r.admin, Map.of("smsActivated", true)));
        Map<String, Object> s = new LinkedHashMap<>(settings);
        s.putIfAbsent("method", "sms");
        r.admin.ok(r.putSettings(r.admin, s));
        return r;
    }

    /** Stores login events (LOGIN, LOGIN_ERROR), so that a test can read what the server recorded. */
    public void recordLoginEvents() {
        admin.ok(admin.put("/" + name, Map.of("eventsEnabled", true, "enabledEventTypes", List.of("LOGIN", "LOGIN_ERROR"))));
    }

    /** Adds an enabled user with a verified email and returns their id. */
    public String addUser(String username, String password) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("username", username);
        user.put("enabled", true);
        user.put("email", email(username));
        user.put("emailVerified", true);
        user.put("firstName", username);
        user.put("lastName", "Tester");
        user.put("credentials", List.of(Map.of("type", "password", "value", password, "temporary", false)));
        HttpAnswer created = admin.post("/" + name + "/users", user);
        if (created.status() != 201) {
            throw new AssertionError("Could not add " + username + ": " + created);
        }
        return admin.ok(admin.get("/" + name + "/users?exact=true&username=" + username)).get(0).get("id").asText();
    }

    /** Each realm's users have their own addresses, so that one realm's mail never answers another test. */
    public String email(String username) {
        return username + "@" + name + ".example.test";
    }

    /** Gives a user the realm-management roles of a realm administrator. */
    public void makeRealmAdmin(String userId) {
        JsonNode clients = admin.ok(admin.get("/" + name + "/clients?clientId=realm-management"));
        String rm = clients.get(0).get("id").asText();
        JsonNode role = admin.ok(admin.get("/" + name + "/clients/" + rm + "/roles/realm-admin"));
        admin.ok(admin.post("/" + name + "/users/" + userId + "/role-mappings/clients/" + rm, List.of(role)));
    }

    public HttpAnswer putSettings(AdminClient as, Map<String, Object> settings) {
        return as.put("/" + name + "/twofactor/settings", settings);
    }

    public JsonNode settings() {
        return admin.ok(admin.get("/" + name + "/twofactor/settings"));
    }

    public Browser browser() {
        return new Browser(REDIRECT_URI);
    }

    public String authUrl() {
        return frontUrl + "/realms/" + name + "/protocol/openid-connect/auth?client_id=" + CLIENT_ID
                + "&response_type=code&scope=openid&redirect_uri=" + URLEncoder.encode(REDIRECT_URI, StandardCharsets.UTF_8);
    }

    /** Opens the login page and submits username and password; returns whatever comes next. */
    public Browser.Page signIn(Browser browser, String username, String password) {
        Browser.Page login = browser.open(authUrl());
        if (login.doc().selectFirst("form#kc-form-login") == null) {
            throw new AssertionError("Expected the login form, got " + login);
        }
        return browser.submit(login, "form#kc-form-login", Map.of("username", username, "password", password));
    }

    /** Trades the code the client received for tokens, as the application would. */
    public JsonNode exchange(Browser.Page redirect) {
        String code = redirect.queryParam("code");
        if (code == null) {
            throw new AssertionError("No authorization code in " + redirect);
        }
        HttpAnswer answer = AdminClient.tokenRequest(backUrl, name, Map.of("grant_type", "authorization_code",
                "client_id", CLIENT_ID, "code", code, "redirect_uri", REDIRECT_URI));
        if (answer.status() != 200) {
            throw new AssertionError("Code exchange failed: " + answer);
        }
        return answer.json();
    }

    public HttpAnswer directGrant(String username, String password) {
        return AdminClient.tokenRequest(backUrl, name, Map.of("grant_type", "password", "client_id", CLIENT_ID,
                "username", username, "password", password, "scope", "openid"));
    }

    public HttpAnswer userinfo(String accessToken) {
        return AdminClient.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        backUrl + "/realms/" + name + "/protocol/openid-connect/userinfo"))
                .header("Authorization", "Bearer " + accessToken).GET().build());
    }

    public HttpAnswer refresh(String refreshToken) {
        return AdminClient.tokenRequest(backUrl, name, Map.of("grant_type", "refresh_token", "client_id", CLIENT_ID,
                "refresh_token", refreshToken));
    }
}
