package dev.keycloaktwofactor.it.ui;

import dev.keycloaktwofactor.it.support.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Security page's files over plain HTTP (no browser needed): addresses, content types, security headers,
 * no way out of the page's folder, and the public client the page signs in with.
 */
@Tag("smoke")
class SecurityPageServingIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final String CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'";

    private static TestRealm realm;
    private static String page;

    @BeforeAll
    static void setUp() {
        realm = TestRealm.create("page-files");
        page = realm.kc.baseUrl() + "/realms/" + realm.name + "/twofactor-admin/";
    }

    private static HttpResponse<String> get(String url, String... headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @Test
    void thePageIsServedWithItsOwnStrictHeaders() {
        HttpResponse<String> index = get(page);
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(header(index, "Content-Type")).startsWith("text/html").containsIgnoringCase("charset=utf-8");
        assertThat(index.headers().allValues("Content-Security-Policy")).containsExactly(CSP);
        assertThat(header(index, "X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(header(index, "Cache-Control")).isEqualTo("no-store");
        assertThat(header(index, "X-Frame-Options")).isEqualTo("DENY");
        assertThat(header(index, "Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(index.body()).contains("<script type=\"module\" src=\"app.js\"></script>")
                .contains("<link rel=\"stylesheet\" href=\"style.css\">")
                // nothing from outside the server: no absolute URLs to load scripts, styles or fonts from
                .doesNotContain("src=\"http").doesNotContain("href=\"http").doesNotContain("//cdn");

        assertAsset("app.js", "text/javascript");
        assertAsset("oidc.js", "text/javascript");
        assertAsset("api.js", "text/javascript");
        assertAsset("i18n.js", "text/javascript");
        assertAsset("style.css", "text/css");
        assertAsset("favicon.svg", "image/svg+xml");

        HttpResponse<String> js = get(page + "app.js");
        String etag = header(js, "ETag");
        assertThat(etag).isNotBlank();
        HttpResponse<String> again = get(page + "app.js", "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
    }

    private static void assertAsset(String name, String type) {
        HttpResponse<String> r = get(page + name);
        assertThat(r.statusCode()).as(name).isEqualTo(200);
        assertThat(header(r, "Content-Type")).as(name).startsWith(type);
        assertThat(header(r, "X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.headers().allValues("Content-Security-Policy")).containsExactly(CSP);
        // nothing is loaded from another server: no absolute imports, url(...), @import, src or href
        assertThat(r.body()).doesNotContainPattern("(?i)(\\bfrom\\s*[\"']https?:|import\\(\\s*[\"']https?:|url\\(\\s*[\"']?https?:|@import|src=[\"']https?:|href=[\"']https?:|//cdn\\.|fonts\\.googleapis)");
    }

    @Test
    void theBareAddressRedirectsToTheSlashForm() {
        HttpResponse<String> bare = get(realm.kc.baseUrl() + "/realms/" + realm.name + "/twofactor-admin");
        assertThat(bare.statusCode()).isEqualTo(302);
        assertThat(header(bare, "Location")).isEqualTo(page);
        HttpResponse<String> withQuery = get(realm.kc.baseUrl() + "/realms/" + realm.name + "/twofactor-admin?lang=ru");
        assertThat(header(withQuery, "Location")).isEqualTo(page + "?lang=ru");
        HttpResponse<String> index = get(page + "index.html");
        assertThat(index.statusCode()).isEqualTo(302);
        assertThat(header(index, "Location")).isEqualTo(page);
    }

    @Test
    void nothingOutsideThePagesFolderIsServed() {
        for (String path : new String[]{
                "nope.js", "app.js.map", "sub/app.js", "..%2Fpom.xml", "%2e%2e%2ftheme-resources%2fmessages%2fmessages_en.properties",
                "..%5C..%5Cetc%5Cpasswd", "%2e%2e/%2e%2e/%2e%2e/etc/passwd", "META-INF%2FMANIFEST.MF",
                ".hidden.js", "app.JS", "app.js%00.css", "dev%2Fkeycloaktwofactor%2Fadmin%2Fpage%2FStaticAssets.class"}) {
            HttpResponse<String> r = get(page + path);
            assertThat(r.statusCode()).as(path).isIn(400, 404);
            assertThat(r.body()).as(path).doesNotContain("keycloak-twofactor").doesNotContain("root:");
        }
        assertThat(get(realm.kc.baseUrl() + "/realms/no-such-realm-here/twofactor-admin/").statusCode()).isEqualTo(404);
    }

    @Test
    void turningTwoFactorOnCreatesThePagesClientSoTheConsoleLinksItAndOffLeavesIt() {
        TestRealm r = TestRealm.create("console-link");
        String clients = "/" + r.name + "/clients?clientId=twofactor-admin";
        // the realm's admins may need the page before anything is turned on: the client comes with the realm
        assertThat(r.admin.ok(r.admin.get(clients))).as("made when the realm was created").hasSize(1);
        r.admin.ok(r.putSettings(r.admin, Map.of("codeLength", 7)));
        assertThat(r.admin.ok(r.admin.get(clients))).as("a save that turns nothing on adds nothing").hasSize(1);
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email")));
        JsonNode c = r.admin.ok(r.admin.get(clients));
        assertThat(c).hasSize(1);
        assertThat(c.get(0).get("baseUrl").asText()).isEqualTo("/realms/" + r.name + "/twofactor-admin/");
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "none")));
        assertThat(r.admin.ok(r.admin.get(clients))).hasSize(1);
    }

    @Test
    void thePageBringsItsOwnPublicClientWithPkceAndOneRedirectUri() {
        get(page);
        JsonNode clients = realm.admin.ok(realm.admin.get("/" + realm.name + "/clients?clientId=twofactor-admin"));
        assertThat(clients).hasSize(1);
        JsonNode c = clients.get(0);
        assertThat(c.get("publicClient").asBoolean()).isTrue();
        assertThat(c.get("standardFlowEnabled").asBoolean()).isTrue();
        assertThat(c.get("implicitFlowEnabled").asBoolean()).isFalse();
        assertThat(c.get("directAccessGrantsEnabled").asBoolean()).isFalse();
        assertThat(c.get("serviceAccountsEnabled").asBoolean()).isFalse();
        assertThat(c.get("attributes").get("pkce.code.challenge.method").asText()).isEqualTo("S256");
        assertThat(c.get("rootUrl").asText()).isEqualTo("${authBaseUrl}");
        assertThat(c.get("baseUrl").asText()).as("the console's Home URL").isEqualTo("/realms/" + realm.name + "/twofactor-admin/");
        assertThat(c.get("redirectUris")).hasSize(1);
        assertThat(c.get("redirectUris").get(0).asText()).isEqualTo("/realms/" + realm.name + "/twofactor-admin/");
        assertThat(c.get("webOrigins")).hasSize(1);
        assertThat(c.get("webOrigins").get(0).asText()).isEqualTo("+");

        // a second visit keeps the one client
        get(page);
        assertThat(realm.admin.ok(realm.admin.get("/" + realm.name + "/clients?clientId=twofactor-admin"))).hasSize(1);

        // the page's own address is accepted; any other address, and a request without PKCE, is not
        String ok = authRequest(realm, page, true);
        assertThat(get(ok).statusCode()).as("login page for the page's address").isEqualTo(200);
        HttpResponse<String> otherHost = get(authRequest(realm, "http://evil.example:" + realm.kc.httpPort() + "/realms/" + realm.name + "/twofactor-admin/", true));
        assertThat(otherHost.statusCode()).isEqualTo(400);
        HttpResponse<String> otherPath = get(authRequest(realm, page + "x", true));
        assertThat(otherPath.statusCode()).isEqualTo(400);
        HttpResponse<String> noPkce = get(authRequest(realm, page, false));
        assertThat(noPkce.statusCode()).isEqualTo(302);
        assertThat(header(noPkce, "Location")).startsWith(page).contains("error=invalid_request");
    }

    @Test
    void aForgedHostHeaderOnTheFirstVisitPlantsNoOtherHost() throws IOException {
        TestRealm fresh = TestRealm.create("page-host");
        String target = "/realms/" + fresh.name + "/twofactor-admin/";
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", fresh.kc.httpPort()), 5000);
            socket.setSoTimeout(30000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.0\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            assertThat(answer.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.0 200").doesNotContain("evil.example");
        }
        JsonNode c = fresh.admin.ok(fresh.admin.get("/" + fresh.name + "/clients?clientId=twofactor-admin")).get(0);
        assertThat(c.toString()).doesNotContain("evil.example");
        assertThat(get(authRequest(fresh, "http://evil.example" + target, true)).statusCode()).isEqualTo(400);
    }

    private static String authRequest(TestRealm realm, String redirectUri, boolean pkce) {
        String url = realm.kc.baseUrl() + "/realms/" + realm.name + "/protocol/openid-connect/auth?client_id=twofactor-admin"
                + "&response_type=code&scope=openid&state=s1&redirect_uri=" + URLEncoder.encode(redirectUri, StandardCharsets.UTF_8);
        if (pkce) {
            url += "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";
        }
        return url;
    }
}
