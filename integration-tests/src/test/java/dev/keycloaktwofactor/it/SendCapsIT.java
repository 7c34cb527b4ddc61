package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.EmailCodes;
import dev.keycloaktwofactor.it.support.ExtraServerOptions;
import dev.keycloaktwofactor.it.support.HttpAnswer;
import dev.keycloaktwofactor.it.support.RawHttp;
import dev.keycloaktwofactor.it.support.TestRealm;
import dev.keycloaktwofactor.it.support.TwilioStub;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.keycloaktwofactor.it.support.Pause.sleep;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hourly send caps against a team behind one address (issue 19): the per-address cap counts texts only (the suite's
 * server lowers it to {@value ExtraServerOptions#ADDRESS_CAP} with its option; the default is 200), a source inside the
 * realm's {@code trustedNetworks} or {@code ipAllowlist} is not counted per address, the per-user and per-destination
 * caps hold everywhere, and a refusal says which cap and when to try again, and nothing else.
 */
class SendCapsIT {

    private static final TwilioStub twilio = ExtraServerOptions.twilio();
    private static final int CAP = ExtraServerOptions.ADDRESS_CAP;
    private static final String NETWORK_REFUSAL =
            "Too many codes were requested from your network in the last hour\\. Try again at \\d\\d:\\d\\d\\.";

    private static String userWithConfirmedPhone(TestRealm r, String username, String phone) {
        String id = r.addUser(username, username + "-pw");
        r.admin.ok(r.admin.put("/" + r.name + "/twofactor/users/" + id + "/phone", Map.of("phoneNumber", phone)));
        r.admin.ok(r.admin.post("/" + r.name + "/twofactor/users/" + id + "/phone/confirm", null));
        return id;
    }

    private static String phone(int i) {
        return "+141555501" + String.format("%02d", i);
    }

    private static JsonNode refusals(TestRealm r) {
        return r.admin.ok(r.admin.get("/" + r.name + "/twofactor/send-refusals"));
    }

    private static int refused(JsonNode refusals, String cap) {
        for (JsonNode row : refusals.get("caps")) {
            if (row.get("cap").asText().equals(cap)) {
                return row.get("refused").asInt();
            }
        }
        throw new AssertionError("no cap " + cap + " in " + refusals);
    }

    @Test
    void thirtyFiveColleaguesBehindOneAddressAllGetTheirEmailedCode() {
        TestRealm r = TestRealm.create("caps-office");
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email")));
        int team = 35;
        for (int u = 0; u < team; u++) {
            r.addUser("agent" + u, "agent-pw");
        }
        assertThat(team).as("more than the address cap of the suite's server").isGreaterThan(CAP);
        // one after the other from the same address, as an office behind NAT does at 9 o'clock
        for (int u = 0; u < team; u++) {
            Browser b = r.browser();
            Browser.Page page = r.signIn(b, "agent" + u, "agent-pw");
            assertThat(page.doc().selectFirst(CodePage.FIELD)).as("agent" + u + ": " + page).isNotNull();
            String code = EmailCodes.nextCode(r, "agent" + u);
            assertThat(CodePage.submit(b, page, code).isRedirectToClient()).as("agent" + u + " signs in").isTrue();
        }
        assertThat(refused(refusals(r), "address_emails")).isZero();
        assertThat(refusals(r).get("total").asInt()).isZero();
    }

    @Test
    void theTextAfterTheAddressCapIsRefusedInPlainWordsAndKnownNetworksAreExempt() {
        TestRealm r = TestRealm.withSms("caps-texts", Map.of("resendCooldownSeconds", 1));
        r.recordLoginEvents();
        r.admin.ok(r.admin.put("/" + r.name, Map.of("internationalizationEnabled", true,
                "supportedLocales", List.of("en", "ru"), "defaultLocale", "en")));
        for (int u = 0; u <= CAP + 3; u++) {
            if (u == CAP + 1) {
                // a Russian-speaking colleague: the language is set before the number is confirmed
                String id = r.addUser("agent" + u, "agent" + u + "-pw");
                r.admin.ok(r.admin.put("/" + r.name + "/users/" + id, Map.of("attributes", Map.of("locale", List.of("ru")),
                        "email", r.email("agent" + u), "firstName", "agent" + u, "lastName", "Tester")));
                r.admin.ok(r.admin.put("/" + r.name + "/twofactor/users/" + id + "/phone", Map.of("phoneNumber", phone(u))));
                r.admin.ok(r.admin.post("/" + r.name + "/twofactor/users/" + id + "/phone/confirm", null));
            } else {
                userWithConfirmedPhone(r, "agent" + u, phone(u));
            }
        }
        // CAP texts from this test's one address (127.0.0.1), each to another colleague
        for (int u = 0; u < CAP; u++) {
            int before = twilio.to(phone(u)).size();
            Browser.Page page = r.signIn(r.browser(), "agent" + u, "agent" + u + "-pw");
            twilio.awaitTo(phone(u), before, Duration.ofSeconds(10));
            assertThat(page.doc().selectFirst(CodePage.FIELD)).as("text " + (u + 1)).isNotNull();
        }

        // the next one is refused: the page says so and only so
        String late = "agent" + CAP;
        int lateBefore = twilio.to(phone(CAP)).size();
        Browser lateBrowser = r.browser();
        Browser.Page refused = r.signIn(lateBrowser, late, late + "-pw");
        assertThat(refused.doc().text()).containsPattern(NETWORK_REFUSAL).doesNotContain("We sent a code")
                .doesNotContain("No more codes");
        assertThat(refused.doc().selectFirst(CodePage.FIELD)).as("no code to enter, no code field").isNull();
        // a refresh stays honest: the same words, still no code field, and no text
        Browser.Page refreshed = lateBrowser.open(refused.url().toString());
        if (refreshed.doc().selectFirst("#loginContinueLink") != null) {
            refreshed = lateBrowser.open(refreshed.doc().selectFirst("#loginContinueLink").absUrl("href"));
        }
        assertThat(refreshed.doc().text()).containsPattern(NETWORK_REFUSAL).doesNotContain("We sent a code");
        assertThat(refreshed.doc().selectFirst(CodePage.FIELD)).isNull();
        sleep(500);
        assertThat(twilio.to(phone(CAP))).hasSize(lateBefore);
        JsonNode events = r.admin.ok(r.admin.get("/" + r.name + "/events?type=LOGIN_ERROR"));
        assertThat(events).anySatisfy(e -> {
            assertThat(e.get("error").asText()).isEqualTo("twofactor_send_refused");
            assertThat(e.get("details").get("reason").asText()).isEqualTo("address_hourly_cap");
        });

        // in Russian for a Russian-speaking user
        String ivan = "agent" + (CAP + 1);
        Browser.Page russian = r.signIn(r.browser(), ivan, ivan + "-pw");
        assertThat(russian.doc().text()).containsPattern(
                "За последний час из вашей сети запрошено слишком много кодов\\. Повторите попытку в \\d\\d:\\d\\d\\.");
        assertThat(russian.doc().selectFirst(CodePage.FIELD)).isNull();

        // behind the trusted proxy, the forwarded client is counted, not the proxy: 127.0.0.1 is over its cap
        String proxied = "agent" + (CAP + 2);
        int proxiedBefore = twilio.to(phone(CAP + 2)).size();
        Browser.Page viaProxy = new ProxiedBrowser("127.0.0.1").signIn(r, proxied, proxied + "-pw");
        assertThat(viaProxy.doc().text()).containsPattern(NETWORK_REFUSAL);

        JsonNode counts = refusals(r);
        assertThat(refused(counts, "address_texts")).as(counts.toString()).isEqualTo(3);
        assertThat(refused(counts, "user")).isZero();
        assertThat(refused(counts, "address_emails")).isZero();

        // the office's range becomes a trusted network: its next colleagues get their texts, directly and via the proxy
        assertThat(r.putSettings(r.admin, Map.of("trustedNetworks", List.of("203.0.113.0/24", "127.0.0.1/32"))).status()).isEqualTo(200);
        assertThat(r.settings().get("trustedNetworks")).hasSize(2);
        Browser.Page viaProxyTrusted = new ProxiedBrowser("127.0.0.1").signIn(r, proxied, proxied + "-pw");
        twilio.awaitTo(phone(CAP + 2), proxiedBefore, Duration.ofSeconds(10));
        assertThat(viaProxyTrusted.doc().selectFirst(CodePage.FIELD)).as(viaProxyTrusted.toString()).isNotNull();
        Browser.Page direct = r.signIn(r.browser(), late, late + "-pw");
        twilio.awaitTo(phone(CAP), lateBefore, Duration.ofSeconds(10));
        assertThat(direct.doc().text()).doesNotContain("Too many codes");

        // a source inside a non-empty login allowlist is exempt too (an office range the admin already declared)
        assertThat(r.putSettings(r.admin, Map.of("trustedNetworks", List.of(), "ipAllowlist", List.of("127.0.0.0/8"))).status())
                .isEqualTo(200);
        String allowlisted = "agent" + (CAP + 3);
        int allowlistedBefore = twilio.to(phone(CAP + 3)).size();
        Browser.Page inAllowlist = r.signIn(r.browser(), allowlisted, allowlisted + "-pw");
        twilio.awaitTo(phone(CAP + 3), allowlistedBefore, Duration.ofSeconds(10));
        assertThat(inAllowlist.doc().selectFirst(CodePage.FIELD)).isNotNull();
        assertThat(refused(refusals(r), "address_texts")).as("no refusal since").isEqualTo(3);
    }

    @Test
    void trustedNetworksAreValidatedLikeTheAllowlist() {
        TestRealm r = TestRealm.create("caps-validate");
        HttpAnswer bad = r.putSettings(r.admin, Map.of("trustedNetworks", List.of("10.0.0.0/33")));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("field").asText()).isEqualTo("trustedNetworks");
        assertThat(bad.json().get("code").asText()).isEqualTo("trusted_networks_invalid");
        assertThat(bad.json().get("error").asText()).contains("10.0.0.0/33");
        assertThat(r.putSettings(r.admin, Map.of("trustedNetworks", "10.0.0.0/8")).json().get("code").asText())
                .isEqualTo("trusted_networks_invalid");
        assertThat(r.putSettings(r.admin, Map.of("trustedNetworks", List.of("example.test"))).status()).isEqualTo(400);
        assertThat(r.settings().get("trustedNetworks")).as("nothing was stored").isEmpty();
        JsonNode saved = r.admin.ok(r.putSettings(r.admin, Map.of("trustedNetworks", List.of("192.0.2.0/24", "2001:db8::/32", "192.0.2.0/24"))));
        assertThat(saved.get("trustedNetworks")).extracting(JsonNode::asText).containsExactly("192.0.2.0/24", "2001:db8::/32");
        // an edited attribute that is not a list of networks exempts nobody, and reads as empty
        r.admin.ok(r.admin.put("/" + r.name, Map.of("attributes", Map.of("twofactor.trustedNetworks", "0.0.0.0/0,nonsense"))));
        assertThat(r.settings().get("trustedNetworks")).isEmpty();
    }

    @Test
    void insideATrustedNetworkThePerUserCapStillHolds() {
        TestRealm r = TestRealm.create("caps-user");
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email", "resendCooldownSeconds", 1, "trustedNetworks", List.of("127.0.0.1/32"))));
        r.admin.ok(r.admin.put("/" + r.name, Map.of("bruteForceProtected", false)));
        r.addUser("agent", "agent-pw");
        for (int i = 0; i < 10; i++) {
            assertThat(CodePage.signInWithEmailedCode(r, "agent", "agent-pw").isRedirectToClient()).isTrue();
        }
        Browser.Page capped = r.signIn(r.browser(), "agent", "agent-pw");
        assertThat(capped.doc().text()).containsPattern("Too many codes were sent to you in the last hour\\. Try again at \\d\\d:\\d\\d\\.")
                .doesNotContain("We sent a code");
        assertThat(capped.doc().selectFirst(CodePage.FIELD)).isNull();
        assertThat(EmailCodes.count(r, "agent")).isEqualTo(10);
        assertThat(refused(refusals(r), "user")).isEqualTo(1);
    }

    @Test
    void insideATrustedNetworkThePerNumberCapStillHolds() {
        TestRealm r = TestRealm.withSms("caps-number", Map.of("resendCooldownSeconds", 1, "trustedNetworks", List.of("127.0.0.1/32")));
        String shared = "+14155550176"; // a number no other test texts or expects silent
        for (int u = 0; u <= 10; u++) {
            userWithConfirmedPhone(r, "member" + u, shared);
        }
        int before = twilio.to(shared).size();
        // member0 first, who keeps the code page open; then nine colleagues: ten texts to the shared number
        Browser first = r.browser();
        Browser.Page firstPage = r.signIn(first, "member0", "member0-pw");
        twilio.awaitTo(shared, before, Duration.ofSeconds(10));
        for (int u = 1; u < 10; u++) {
            int sent = twilio.to(shared).size();
            r.signIn(r.browser(), "member" + u, "member" + u + "-pw");
            twilio.awaitTo(shared, sent, Duration.ofSeconds(10));
        }
        String numberRefusal = "Too many codes were sent to this phone number in the last hour\\. Try again at \\d\\d:\\d\\d\\.";
        // member0 asks for another text: refused by the number's cap; the code member0 has still works, so its field stays,
        // but the page says only the refusal
        sleep(1200);
        Browser.Page resendRefused = first.submit(firstPage, "form#kc-twofactor-code-form", Map.of("resend", "true"));
        assertThat(resendRefused.doc().text()).containsPattern(numberRefusal).doesNotContain("We sent a code");
        assertThat(resendRefused.doc().selectFirst(CodePage.FIELD)).as("member0's live code can still be entered").isNotNull();
        // member10, with no code: the refusal and no code field
        Browser.Page capped = r.signIn(r.browser(), "member10", "member10-pw");
        assertThat(capped.doc().text()).containsPattern(numberRefusal).doesNotContain("We sent a code");
        assertThat(capped.doc().selectFirst(CodePage.FIELD)).isNull();
        sleep(500);
        assertThat(twilio.to(shared)).hasSize(before + 10);
        assertThat(refused(refusals(r), "destination")).isEqualTo(2);
        // member0's code from before signs member0 in
        String code = twilio.to(shared).get(before).code();
        assertThat(CodePage.submit(first, resendRefused, code).isRedirectToClient()).isTrue();
    }

    @Test
    void theRefusalCountsNeedViewRealm() {
        TestRealm r = TestRealm.create("caps-roles");
        r.addUser("plain", "plain-pw");
        AdminClient plain = AdminClient.passwordGrant(r.kc, r.name, "plain", "plain-pw");
        assertThat(plain.get("/" + r.name + "/twofactor/send-refusals").status()).isEqualTo(403);
        JsonNode counts = refusals(r);
        assertThat(counts.get("windowSeconds").asInt()).isEqualTo(3600);
        assertThat(counts.get("caps")).extracting(c -> c.get("cap").asText())
                .containsExactly("user", "address_texts", "address_emails", "destination", "confirm_numbers");
        JsonNode texts = counts.get("caps").get(1);
        assertThat(texts.get("option").asText()).isEqualTo("max-sends-per-address-per-hour");
        assertThat(texts.get("limit").asInt()).isEqualTo(CAP);
        assertThat(counts.get("caps").get(2).get("limit").asInt()).as("emails: no per-address cap by default").isZero();
    }

    /**
     * A browser behind the suite's trusted reverse proxy ({@link ExtraServerOptions#TRUSTED_PROXY}): every request comes
     * from the proxy's address and names the client in X-Forwarded-For. Cookies and redirects by hand, over
     * {@link RawHttp}, since the JDK's client cannot pick its source address.
     */
    private static final class ProxiedBrowser {

        private final String client;
        private final Map<String, String> cookies = new LinkedHashMap<>();

        ProxiedBrowser(String client) {
            this.client = client;
        }

        Browser.Page signIn(TestRealm r, String username, String password) {
            Browser.Page login = request("GET", r.authUrl(), null);
            org.jsoup.nodes.Element form = login.doc().selectFirst("form#kc-form-login");
            if (form == null) {
                throw new AssertionError("Expected the login form, got " + login);
            }
            return request("POST", form.absUrl("action"), AdminClient.formEncode(Map.of("username", username, "password", password)));
        }

        private Browser.Page request(String method, String url, String body) {
            for (int hops = 0; hops < 20; hops++) {
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("X-Forwarded-For", client);
                if (!cookies.isEmpty()) {
                    headers.put("Cookie", String.join("; ", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
                }
                if (body != null) {
                    headers.put("Content-Type", "application/x-www-form-urlencoded");
                }
                RawHttp.Answer a = RawHttp.exchange(ExtraServerOptions.TRUSTED_PROXY, method, url, headers, body);
                for (String c : a.cookies()) {
                    int eq = c.indexOf('=');
                    if (eq > 0) {
                        if (eq == c.length() - 1) {
                            cookies.remove(c.substring(0, eq));
                        } else {
                            cookies.put(c.substring(0, eq), c.substring(eq + 1));
                        }
                    }
                }
                String location = a.header("Location");
                if (a.status() / 100 == 3 && location != null) {
                    URI next = URI.create(url).resolve(location);
                    if (next.toString().startsWith(TestRealm.REDIRECT_URI)) {
                        return new Browser.Page(a.status(), URI.create(url), a.body(), next);
                    }
                    url = next.toString();
                    method = "GET";
                    body = null;
                    continue;
                }
                return new Browser.Page(a.status(), URI.create(url), a.body(), null);
            }
            throw new AssertionError("Too many redirects from " + url);
        }
    }
}
