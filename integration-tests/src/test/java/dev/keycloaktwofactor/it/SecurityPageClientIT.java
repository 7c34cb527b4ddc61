package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.HttpAnswer;
import dev.keycloaktwofactor.it.support.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Security page's client: made by authenticated actions (realm creation, the server's start, a save), never by an
 * anonymous visit, and its tokens carry only the admin roles the page needs.
 */
class SecurityPageClientIT {

    private static final List<String> PAGE_ROLES = List.of("query-realms", "view-realm", "manage-realm",
            "query-users", "view-users", "manage-users");

    private static HttpAnswer anonymousGet(String url) {
        return AdminClient.send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    private static JsonNode pageClients(TestRealm r) {
        return r.admin.ok(r.admin.get("/" + r.name + "/clients?clientId=twofactor-admin"));
    }

    @Test
    void anonymousVisitsOfThePageWriteNothing() {
        TestRealm r = TestRealm.create("page-anonymous");
        assertThat(pageClients(r)).as("the realm's admins have the page's client from the realm's creation").hasSize(1);
        // an admin removed it: visits must not bring it back
        String id = pageClients(r).get(0).get("id").asText();
        assertThat(r.admin.delete("/" + r.name + "/clients/" + id).status()).isEqualTo(204);
        List<String> clientsBefore = clientIds(r);
        String usersBefore = r.admin.get("/" + r.name + "/users/count").body();
        JsonNode attributesBefore = r.admin.ok(r.admin.get("/" + r.name)).get("attributes");

        String page = r.kc.baseUrl() + "/realms/" + r.name + "/twofactor-admin";
        assertThat(anonymousGet(page).status()).isEqualTo(302);
        assertThat(anonymousGet(page + "/").status()).isEqualTo(200);
        assertThat(anonymousGet(page + "/app.js").status()).isEqualTo(200);
        for (int i = 0; i < 50; i++) {
            assertThat(anonymousGet(page + "/made-up-" + i + ".js").status()).isEqualTo(404);
        }

        assertThat(clientIds(r)).isEqualTo(clientsBefore).doesNotContain("twofactor-admin");
        assertThat(r.admin.get("/" + r.name + "/users/count").body()).isEqualTo(usersBefore);
        assertThat(r.admin.ok(r.admin.get("/" + r.name)).get("attributes")).isEqualTo(attributesBefore);

        // an authenticated action (a save that turns two-factor on) makes it again
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email")));
        assertThat(pageClients(r)).hasSize(1);
    }

    private static List<String> clientIds(TestRealm r) {
        List<String> ids = new ArrayList<>();
        r.admin.ok(r.admin.get("/" + r.name + "/clients")).forEach(c -> ids.add(c.get("clientId").asText()));
        return ids;
    }

    @Test
    void thePagesTokensCarryOnlyTheAdminRolesThePageNeeds() throws Exception {
        TestRealm r = TestRealm.create("page-scope");
        String localAdminId = r.addUser("local-admin", "local-admin-pw");
        r.makeRealmAdmin(localAdminId);
        JsonNode client = pageClients(r).get(0);
        assertThat(client.get("fullScopeAllowed").asBoolean()).isFalse();

        AdminClient viaPage = new AdminClient(r.kc.baseUrl(), pageToken(r, "local-admin", "local-admin-pw"));
        assertThat(viaPage.get("/" + r.name + "/twofactor/settings").status()).isEqualTo(200);
        assertThat(viaPage.put("/" + r.name + "/twofactor/settings", Map.of("codeLength", 7)).status()).isEqualTo(200);
        assertThat(viaPage.get("/" + r.name + "/twofactor/users").status()).isEqualTo(200);
        String someClient = "/" + r.name + "/clients/" + client.get("id").asText();
        for (String path : List.of("/" + r.name + "/events", "/" + r.name + "/identity-provider/instances", someClient)) {
            assertThat(viaPage.get(path).status()).as("the page's token cannot do what the page does not do: " + path)
                    .isEqualTo(403);
        }
        AdminClient viaCli = AdminClient.passwordGrant(r.kc, r.name, "local-admin", "local-admin-pw");
        for (String path : List.of("/" + r.name + "/events", "/" + r.name + "/identity-provider/instances", someClient)) {
            assertThat(viaCli.get(path).status()).as("the same admin may, through another client: " + path).isEqualTo(200);
        }

        // the master realm's page: the new realm's admin roles in master joined its scope, and nothing more
        AdminClient master = r.admin;
        JsonNode masterPage = master.ok(master.get("/master/clients?clientId=twofactor-admin")).get(0);
        assertThat(masterPage.get("fullScopeAllowed").asBoolean()).isFalse();
        String realmClient = master.ok(master.get("/master/clients?clientId=" + r.name + "-realm")).get(0).get("id").asText();
        JsonNode scoped = master.ok(master.get("/master/clients/" + masterPage.get("id").asText()
                + "/scope-mappings/clients/" + realmClient));
        List<String> names = new ArrayList<>();
        scoped.forEach(role -> names.add(role.get("name").asText()));
        assertThat(names).containsExactlyInAnyOrderElementsOf(PAGE_ROLES);
        assertThat(master.ok(master.get("/master/clients/" + masterPage.get("id").asText() + "/scope-mappings/realm"))).isEmpty();
    }

    /** Signs in to the page's client as the page does: code flow with PKCE, back to the page's own address. */
    private static String pageToken(TestRealm r, String username, String password) throws Exception {
        String page = r.kc.baseUrl() + "/realms/" + r.name + "/twofactor-admin/";
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("verifier-" + System.nanoTime() + "-0123456789-abcdefghij-0123456789").getBytes(StandardCharsets.US_ASCII));
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        Browser b = new Browser(page);
        Browser.Page login = b.open(r.kc.baseUrl() + "/realms/" + r.name + "/protocol/openid-connect/auth?client_id=twofactor-admin"
                + "&response_type=code&scope=openid&state=s1&code_challenge_method=S256&code_challenge=" + challenge
                + "&redirect_uri=" + URLEncoder.encode(page, StandardCharsets.UTF_8));
        Browser.Page back = b.submit(login, "form#kc-form-login", Map.of("username", username, "password", password));
        assertThat(back.isRedirectToClient()).as(back.toString()).isTrue();
        HttpAnswer tokens = AdminClient.tokenRequest(r.kc, r.name, Map.of("grant_type", "authorization_code",
                "client_id", "twofactor-admin", "code", back.queryParam("code"), "redirect_uri", page, "code_verifier", verifier));
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        return tokens.json().get("access_token").asText();
    }
}
