package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.ExtraServerOptions;
import dev.keycloaktwofactor.it.support.HttpAnswer;
import dev.keycloaktwofactor.it.support.RawHttp;
import dev.keycloaktwofactor.it.support.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The realm's login IP allowlist, seen from two loopback addresses: 127.0.0.1 inside it, 127.0.0.2 outside. */
class IpAllowlistIT {

    private static TestRealm realm;

    @BeforeAll
    static void setUp() {
        realm = TestRealm.create("allowlist");
        realm.addUser("agent", "agent-pw");
        realm.admin.ok(realm.admin.put("/" + realm.name, Map.of("eventsEnabled", true,
                "enabledEventTypes", List.of("LOGIN", "LOGIN_ERROR"))));
        realm.admin.ok(realm.putSettings(realm.admin, Map.of("ipAllowlist", List.of("127.0.0.1/32"))));
    }

    private static String tokenForm(String password) {
        return AdminClient.formEncode(Map.of("grant_type", "password", "client_id", TestRealm.CLIENT_ID,
                "username", "agent", "password", password));
    }

    private static HttpAnswer directGrantFrom(String source, String password, Map<String, String> headers) {
        Map<String, String> h = new java.util.HashMap<>(headers);
        h.put("Content-Type", "application/x-www-form-urlencoded");
        return RawHttp.request(source, "POST", realm.kc.baseUrl() + "/realms/" + realm.name + "/protocol/openid-connect/token",
                h, tokenForm(password));
    }

    @Test
    @Tag("smoke")
    void theBrowserLoginIsRefusedBeforeThePasswordFromOutsideTheList() {
        HttpAnswer inside = RawHttp.request("127.0.0.1", "GET", realm.authUrl(), Map.of(), null);
        assertThat(inside.status()).isEqualTo(200);
        assertThat(Jsoup.parse(inside.body()).selectFirst("form#kc-form-login")).isNotNull();

        HttpAnswer outside = RawHttp.request("127.0.0.2", "GET", realm.authUrl(), Map.of(), null);
        assertThat(outside.status()).isEqualTo(403);
        Document page = Jsoup.parse(outside.body());
        assertThat(page.selectFirst("form#kc-form-login")).as("no password form is offered").isNull();
        assertThat(page.text()).contains("not allowed");

        JsonNode events = realm.admin.ok(realm.admin.get("/" + realm.name + "/events?type=LOGIN_ERROR"));
        assertThat(events).anySatisfy(e -> {
            assertThat(e.get("ipAddress").asText()).isEqualTo("127.0.0.2");
            assertThat(e.get("error").asText()).isEqualTo("twofactor_ip_not_allowed");
        });
    }

    @Test
    @Tag("smoke")
    void theDirectGrantIsRefusedBeforeThePasswordFromOutsideTheList() {
        assertThat(directGrantFrom("127.0.0.1", "agent-pw", Map.of()).status()).isEqualTo(200);

        HttpAnswer right = directGrantFrom("127.0.0.2", "agent-pw", Map.of());
        HttpAnswer wrong = directGrantFrom("127.0.0.2", "not-the-password", Map.of());
        assertThat(right.status()).isEqualTo(403);
        assertThat(right.body()).doesNotContain("access_token");
        assertThat(wrong).as("the same answer whatever the password: it was never checked").isEqualTo(right);
        assertThat(right.json().get("error").asText()).isEqualTo("access_denied");
    }

    @Test
    void forwardedHeadersFromAnAddressKeycloakDoesNotTrustAsProxyDoNotCount() {
        // The suite's Keycloak runs with --proxy-headers=xforwarded, trusting 127.0.0.3 only.
        HttpAnswer spoofed = directGrantFrom("127.0.0.2", "agent-pw",
                Map.of("X-Forwarded-For", "127.0.0.1", "Forwarded", "for=127.0.0.1"));
        assertThat(spoofed.status()).isEqualTo(403);
        HttpAnswer spoofedPage = RawHttp.request("127.0.0.2", "GET", realm.authUrl(), Map.of("X-Forwarded-For", "127.0.0.1"), null);
        assertThat(spoofedPage.status()).isEqualTo(403);
    }

    @Test
    void behindTheTrustedProxyTheForwardedClientAddressIsTheOneChecked() {
        String proxy = ExtraServerOptions.TRUSTED_PROXY;
        // the proxy's own address is outside the list: without a forwarded client address it is refused
        assertThat(directGrantFrom(proxy, "agent-pw", Map.of()).status()).isEqualTo(403);
        // a client inside the list, forwarded by the trusted proxy, gets in; one outside does not
        assertThat(directGrantFrom(proxy, "agent-pw", Map.of("X-Forwarded-For", "127.0.0.1")).status()).isEqualTo(200);
        // (private addresses: Keycloak's default sslRequired=external would refuse a public one over plain HTTP first)
        HttpAnswer outside = directGrantFrom(proxy, "agent-pw", Map.of("X-Forwarded-For", "10.20.30.40"));
        assertThat(outside.status()).isEqualTo(403);
        assertThat(outside.json().get("error").asText()).isEqualTo("access_denied");

        HttpAnswer page = RawHttp.request(proxy, "GET", realm.authUrl(), Map.of("X-Forwarded-For", "127.0.0.1"), null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(Jsoup.parse(page.body()).selectFirst("form#kc-form-login")).isNotNull();
        HttpAnswer refusedPage = RawHttp.request(proxy, "GET", realm.authUrl(), Map.of("X-Forwarded-For", "192.168.77.7"), null);
        assertThat(refusedPage.status()).isEqualTo(403);

        JsonNode events = realm.admin.ok(realm.admin.get("/" + realm.name + "/events?type=LOGIN_ERROR"));
        assertThat(events).as("the event names the client the proxy forwarded, not the proxy")
                .anySatisfy(e -> {
                    assertThat(e.get("ipAddress").asText()).isEqualTo("192.168.77.7");
                    assertThat(e.get("error").asText()).isEqualTo("twofactor_ip_not_allowed");
                })
                .anySatisfy(e -> {
                    assertThat(e.get("ipAddress").asText()).isEqualTo("10.20.30.40");
                    assertThat(e.get("error").asText()).isEqualTo("twofactor_ip_not_allowed");
                });
    }

    @Test
    void aSessionOpenedInsideTheListDoesNotSignInFromOutsideIt() {
        Browser b = realm.browser();
        assertThat(realm.signIn(b, "agent", "agent-pw").isRedirectToClient()).isTrue();
        String sso = b.cookieHeader(realm.authUrl());
        assertThat(sso).contains("KEYCLOAK_IDENTITY");

        RawHttp.Answer inside = RawHttp.exchange("127.0.0.1", "GET", realm.authUrl(), Map.of("Cookie", sso), null);
        assertThat(inside.status()).isEqualTo(302);
        assertThat(inside.header("Location")).startsWith(TestRealm.REDIRECT_URI).contains("code=");

        // the same cookies from 127.0.0.2: single sign-on skips the flow's allowlist step, the policy action does not
        RawHttp.Answer outside = RawHttp.exchange("127.0.0.2", "GET", realm.authUrl(), Map.of("Cookie", sso), null);
        String location = outside.header("Location");
        assertThat(location == null ? "" : location).as("no code for the client from outside").doesNotContain("code=");
        for (int hops = 0; outside.status() == 302 && hops < 5; hops++) {
            java.util.List<String> cookies = new java.util.ArrayList<>(List.of(sso));
            cookies.addAll(outside.cookies());
            outside = RawHttp.exchange("127.0.0.2", "GET", java.net.URI.create(realm.authUrl()).resolve(outside.header("Location")).toString(),
                    Map.of("Cookie", String.join("; ", cookies)), null);
            location = outside.header("Location");
            assertThat(location == null ? "" : location).doesNotContain("code=");
        }
        assertThat(outside.status()).as(outside.body()).isEqualTo(403);
        assertThat(Jsoup.parse(outside.body()).text()).contains("not allowed");
    }

    @Test
    @Tag("smoke")
    void aListThatWouldLockOutTheSavingAdminIsRefused() {
        // the realm's own admin: its list governs their logins (a master-realm admin is not subject to it)
        String id = realm.addUser("local-admin", "local-admin-pw");
        realm.makeRealmAdmin(id);
        AdminClient localAdmin = AdminClient.passwordGrant(realm.kc, realm.name, "local-admin", "local-admin-pw");
        HttpAnswer answer = realm.putSettings(localAdmin, Map.of("ipAllowlist", List.of("10.0.0.0/8")));
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("field").asText()).isEqualTo("ipAllowlist");
        assertThat(answer.json().get("error").asText()).contains("lock you out");
        assertThat(realm.settings().get("ipAllowlist")).extracting(JsonNode::asText).containsExactly("127.0.0.1/32");
    }

    @Test
    void aBadEntryIsRefusedNamingIt() {
        HttpAnswer answer = realm.putSettings(realm.admin, Map.of("ipAllowlist", List.of("127.0.0.1/32", "300.1.1.1/8")));
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").asText()).contains("300.1.1.1/8");
    }

    @Test
    void anEmptyListLetsEveryAddressInAgain() {
        TestRealm r = TestRealm.create("allowlist-off");
        r.addUser("agent", "agent-pw");
        r.admin.ok(r.putSettings(r.admin, Map.of("ipAllowlist", List.of("127.0.0.1"))));
        String url = r.kc.baseUrl() + "/realms/" + r.name + "/protocol/openid-connect/token";
        String form = AdminClient.formEncode(Map.of("grant_type", "password", "client_id", TestRealm.CLIENT_ID,
                "username", "agent", "password", "agent-pw"));
        Map<String, String> h = Map.of("Content-Type", "application/x-www-form-urlencoded");
        assertThat(RawHttp.request("127.0.0.2", "POST", url, h, form).status()).isEqualTo(403);
        r.admin.ok(r.putSettings(r.admin, Map.of("ipAllowlist", List.of())));
        assertThat(RawHttp.request("127.0.0.2", "POST", url, h, form).status()).isEqualTo(200);
        assertThat(r.admin.ok(r.admin.get("/" + r.name)).get("browserFlow").asText()).isEqualTo("browser");
    }
}
