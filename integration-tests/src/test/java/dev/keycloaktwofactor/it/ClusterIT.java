package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.ClusterServer;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.DeliveryPoll;
import dev.keycloaktwofactor.it.support.EmailCodes;
import dev.keycloaktwofactor.it.support.ExtraServerOptions;
import dev.keycloaktwofactor.it.support.HttpAnswer;
import dev.keycloaktwofactor.it.support.KeycloakProcess;
import dev.keycloaktwofactor.it.support.QrPage;
import dev.keycloaktwofactor.it.support.SlowSmtp;
import dev.keycloaktwofactor.it.support.TestRealm;
import dev.keycloaktwofactor.it.support.Totp;
import dev.keycloaktwofactor.it.support.TwilioStub;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.keycloaktwofactor.it.support.Pause.sleepSeconds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Keycloak nodes on one PostgreSQL ({@link ClusterServer}), no sticky sessions: every login below sends its
 * requests to the node the test names, A for one step and B for the next, or to both at once. The node-loss test
 * runs last: it kills node A.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static ClusterServer cluster;
    private static final TwilioStub twilio = ExtraServerOptions.twilio();

    @BeforeAll
    static void start() {
        cluster = ClusterServer.get();
    }

    private static UnaryOperator<URI> a() {
        return cluster.to(cluster.a);
    }

    private static UnaryOperator<URI> b() {
        return cluster.to(cluster.b);
    }

    private static TestRealm realm(String prefix, Map<String, Object> settings) {
        TestRealm r = TestRealm.onCluster(prefix, cluster.publicUrl(), cluster.a.baseUrl(), cluster.mail());
        if (settings.containsKey("method") && "sms".equals(settings.get("method"))) {
            r.admin.ok(r.putSettings(r.admin, Map.of("smsActivated", true)));
        }
        if (!settings.isEmpty()) {
            r.admin.ok(r.putSettings(r.admin, settings));
        }
        return r;
    }

    private static Map<String, Object> email(Object... more) {
        Map<String, Object> s = new HashMap<>(Map.of("method", "email", "resendCooldownSeconds", 1));
        for (int i = 0; i < more.length; i += 2) {
            s.put((String) more[i], more[i + 1]);
        }
        return s;
    }

    private static Browser.Page submitCode(Browser b, Browser.Page page, String code) {
        // the form must name the public address, or the browser's choice of node would be bypassed
        assertThat(CodePage.action(page))
                .as("the code form's address").startsWith(cluster.publicUrl() + "/");
        return CodePage.submit(b, page, code);
    }

    private static String userWithConfirmedPhone(TestRealm r, String username, String phone) {
        String id = r.addUser(username, username + "-pw");
        r.admin.ok(r.admin.put("/" + r.name + "/twofactor/users/" + id + "/phone", Map.of("phoneNumber", phone)));
        r.admin.ok(r.admin.post("/" + r.name + "/twofactor/users/" + id + "/phone/confirm", null));
        return id;
    }

    private static Totp enrolmentPage(Browser.Page page) {
        assertThat(page.doc().selectFirst(QrPage.QR)).as("QR code on " + page).isNotNull();
        return QrPage.scan(page);
    }

    @Test
    @Order(1)
    void theTwoNodesFormOneClusterAndStartWithoutAWordFromOurProviders() {
        for (ClusterServer.Node node : List.of(cluster.a, cluster.b)) {
            List<String> lines = node.logLines();
            int started = 0;
            while (started < lines.size() && !lines.get(started).contains(" started in ")) {
                started++;
            }
            assertThat(started).as(node + " logged its start").isLessThan(lines.size());
            List<String> startUp = lines.subList(0, started + 1);
            assertThat(lines).as(node + " sees both members").anyMatch(l -> l.contains("new cluster view") && l.contains("(2)")
                    && l.contains("node-a") && l.contains("node-b"));
            assertThat(lines).as(node + " runs the optimized build on PostgreSQL").noneMatch(l -> l.contains("dev-mem") || l.contains("start-dev"));
            assertThat(startUp).as(node + ": no warning or error from or about our providers while starting")
                    .noneMatch(l -> (l.contains(" WARN ") || l.contains(" ERROR ")) && (l.contains("dev.keycloaktwofactor") || l.contains("twofactor")));
        }
        System.out.println("Cluster start-up took " + cluster.startup.toSeconds() + " s");
    }

    @Test
    @Order(2)
    void emailPasswordOnACodeOnB() {
        TestRealm r = realm("cl-email", email());
        r.addUser("agent", "agent-pw");
        Browser browser = r.browser().routed(a());
        Browser.Page page = r.signIn(browser, "agent", "agent-pw");
        assertThat(page.doc().selectFirst(CodePage.FIELD)).as(page.toString()).isNotNull();
        String code = EmailCodes.nextCode(r, "agent");
        // the send's state is cluster-wide: B answers the poll of the page A served
        DeliveryPoll.await(browser.routed(b()), page, "sent", Duration.ofSeconds(15));

        Browser.Page done = submitCode(browser.routed(b()), page, code);
        assertThat(done.isRedirectToClient()).as(done.toString()).isTrue();
        assertThat(r.via(cluster.b.baseUrl()).exchange(done).get("access_token").asText()).isNotBlank();
    }

    @Test
    @Order(2)
    void aSendThatFailedAfterAsPageIsShownByBAndSendAgainOnBWorks() throws Exception {
        TestRealm r = realm("cl-email-failed", email("resendCooldownSeconds", 120));
        r.addUser("agent", "agent-pw");
        int closed = KeycloakProcess.freePort();
        r.admin.ok(r.admin.put("/" + r.name, Map.of("smtpServer", Map.of("host", "127.0.0.1", "port", String.valueOf(closed),
                "from", "keycloak@example.test"))));
        Browser browser = r.browser().routed(a());
        Browser.Page page = r.signIn(browser, "agent", "agent-pw");
        assertThat(page.doc().selectFirst(CodePage.FIELD)).as(page.toString()).isNotNull();
        DeliveryPoll.await(browser.routed(b()), page, "failed", Duration.ofSeconds(15));
        Browser.Page next = submitCode(browser, page, "123456");
        assertThat(next.doc().selectFirst("#twofactor-delivery-failed:not([hidden])")).as(next.toString()).isNotNull();
        assertThat(next.doc().selectFirst("button[name=resend]:not([disabled])")).as("Send again at once, on B").isNotNull();

        r.admin.ok(r.admin.put("/" + r.name, Map.of("smtpServer", Map.of("host", "127.0.0.1",
                "port", String.valueOf(cluster.mail().smtpPort()), "from", "keycloak@example.test"))));
        Browser.Page resent = CodePage.resend(browser, next);
        String code = EmailCodes.nextCode(r, "agent");
        assertThat(submitCode(browser.routed(a()), resent, code).isRedirectToClient()).isTrue();
    }

    @Test
    @Order(3)
    void smsPasswordOnACodeOnB() {
        TestRealm r = realm("cl-sms", Map.of("method", "sms", "resendCooldownSeconds", 1));
        String phone = "+14155550161";
        userWithConfirmedPhone(r, "agent", phone);
        int before = twilio.to(phone).size();
        Browser browser = r.browser().routed(a());
        Browser.Page page = r.signIn(browser, "agent", "agent-pw");
        String code = twilio.awaitTo(phone, before, Duration.ofSeconds(10)).code();

        Browser.Page done = submitCode(browser.routed(b()), page, code);
        assertThat(done.isRedirectToClient()).as(done.toString()).isTrue();
        assertThat(r.exchange(done).get("access_token").asText()).isNotBlank();
    }

    @Test
    @Order(4)
    void appEnrolmentQrFromACodeOnBAndLaterLoginsEitherWay() {
        TestRealm r = realm("cl-app", Map.of("method", "totp"));
        String id = r.addUser("alice", "alice-pw");
        Browser browser = r.browser().routed(a());
        Totp app = enrolmentPage(r.signIn(browser, "alice", "alice-pw"));
        Browser.Page qr = r.signIn(r.browser().routed(a()), "alice", "alice-pw");
        // (a second attempt shows its own QR; the first one is completed on B)
        assertThat(qr.doc().selectFirst(QrPage.QR)).isNotNull();

        Browser.Page enrolPage = r.signIn(browser, "alice", "alice-pw");
        Totp same = enrolmentPage(enrolPage);
        Browser.Page done = submitCode(browser.routed(b()), enrolPage, same.now());
        assertThat(done.isRedirectToClient()).as(done.toString()).isTrue();
        assertThat(r.admin.ok(r.via(cluster.b.baseUrl()).admin.get("/" + r.name + "/twofactor/users/" + id)).get("totpConfigured").asBoolean()).isTrue();
        assertThat(app.key()).isNotNull();

        // password on B, the app's code on A
        Browser second = r.browser().routed(b());
        Browser.Page codePage = r.signIn(second, "alice", "alice-pw");
        assertThat(codePage.doc().selectFirst(QrPage.QR)).isNull();
        assertThat(submitCode(second.routed(a()), codePage, same.next()).isRedirectToClient()).isTrue();
    }

    @Test
    @Order(5)
    void parallelWrongCodesSplitBetweenAAndBGetNoMoreThanMaxCodeAttempts() {
        TestRealm r = realm("cl-parallel-wrong", email("maxCodeAttempts", 3));
        r.admin.ok(r.admin.put("/" + r.name, Map.of("bruteForceProtected", false)));
        r.addUser("agent", "agent-pw");
        Browser browser = r.browser().routed(a());
        Browser.Page page = r.signIn(browser, "agent", "agent-pw");
        String code = EmailCodes.nextCode(r, "agent");
        int invalid = 0;
        List<Browser.Page> answers = browser.inParallel(10, (tab, i) -> submitCode(tab.routed(i % 2 == 0 ? a() : b()), page,
                String.format("%06d", (Integer.parseInt(code) + 1 + i) % 1_000_000)));
        for (Browser.Page p : answers) {
            assertThat(p.isRedirectToClient()).isFalse();
            if (p.doc().text().contains("Invalid code.")) {
                invalid++;
            }
        }
        Browser.Page last = page;
        for (int i = 0; i < 3 && invalid < 2; i++) {
            last = submitCode(browser.routed(i % 2 == 0 ? b() : a()), last, code.equals("000000") ? "111111" : "000000");
            if (last.doc().text().contains("Invalid code.")) {
                invalid++;
            }
        }
        assertThat(invalid).as("wrong guesses that were still checked, on either node").isEqualTo(2);
        assertThat(submitCode(browser.fork().routed(b()), page, code).isRedirectToClient()).as("the right code after the cap, on B").isFalse();
        assertThat(submitCode(browser.fork().routed(a()), page, code).isRedirectToClient()).as("the right code after the cap, on A").isFalse();
    }

    @Test
    @Order(6)
    void oneCodePostedToAAndBAtOnceSignsInOnce() {
        TestRealm r = realm("cl-parallel-right", email());
        String userId = r.addUser("agent", "agent-pw");
        Browser browser = r.browser().routed(a());
        Browser.Page page = r.signIn(browser, "agent", "agent-pw");
        String code = EmailCodes.nextCode(r, "agent");
        int logins = 0;
        for (Browser.Page p : browser.inParallel(4, (tab, i) -> submitCode(tab.routed(i % 2 == 0 ? a() : b()), page, code))) {
            if (p.isRedirectToClient() && p.queryParam("code") != null) {
                logins++;
            }
        }
        // tabs of one browser and one login attempt: a tab that arrives after the winner committed may be sent on to
        // the client inside the same user session (Keycloak's login finished in another tab); one code, one session
        assertThat(logins).as("redirects to the client").isBetween(1, 4);
        assertThat(r.admin.ok(r.admin.get("/" + r.name + "/users/" + userId + "/sessions")).size())
                .as("user sessions made by one code").isEqualTo(1);
    }

    @Test
    @Order(7)
    void theResendWaitCountsSendsThroughEitherNode() {
        TestRealm r = realm("cl-resend", email("resendCooldownSeconds", 3));
        r.addUser("agent", "agent-pw");
        Browser first = r.browser().routed(a());
        r.signIn(first, "agent", "agent-pw");
        EmailCodes.next(r, "agent");

        // a new browser on B within the wait: no email, and B names the remaining wait
        Browser other = r.browser().routed(b());
        Browser.Page onB = r.signIn(other, "agent", "agent-pw");
        assertThat(CodePage.resendIn(onB)).isBetween(1, 3);
        Browser.Page tooSoon = CodePage.resend(other, onB);
        assertThat(tooSoon.doc().text()).contains("You can request a new code in");
        sleepSeconds(0.5);
        assertThat(EmailCodes.count(r, "agent")).isEqualTo(1);

        sleepSeconds(3.2);
        Browser.Page resent = CodePage.resend(other, tooSoon);
        EmailCodes.next(r, "agent");
        assertThat(CodePage.resendIn(resent)).as("after the 2nd send (made on A, then B): 2 x 3 s").isBetween(5, 6);
    }

    @Test
    @Order(8)
    void theHourlyCapCountsSendsThroughEitherNode() {
        TestRealm r = realm("cl-cap", Map.of("method", "sms", "resendCooldownSeconds", 1));
        r.recordLoginEvents();
        String phone = "+14155550162";
        userWithConfirmedPhone(r, "agent", phone);
        // 10 texts (the per-user cap), the logins alternating between the nodes
        for (int i = 0; i < 10; i++) {
            int sent = twilio.to(phone).size();
            Browser browser = r.browser().routed(i % 2 == 0 ? a() : b());
            Browser.Page page = r.signIn(browser, "agent", "agent-pw");
            String code = twilio.awaitTo(phone, sent, Duration.ofSeconds(10)).code();
            assertThat(submitCode(browser.routed(i % 2 == 0 ? b() : a()), page, code).isRedirectToClient()).as("login " + (i + 1)).isTrue();
        }
        int sent = twilio.to(phone).size();
        for (UnaryOperator<URI> node : List.of(a(), b())) {
            Browser.Page capped = r.signIn(r.browser().routed(node), "agent", "agent-pw");
            assertThat(capped.doc().text()).contains("Too many codes were sent to you in the last hour");
        }
        sleepSeconds(0.5);
        assertThat(twilio.to(phone)).hasSize(sent);
    }

    @Test
    @Order(9)
    void settingsSavedOnAAreInForceForTheNextLoginOnB() {
        TestRealm r = realm("cl-settings", email());
        r.addUser("agent", "agent-pw");
        // B reads (and caches) the realm first
        Browser warm = r.browser().routed(b());
        Browser.Page page = r.signIn(warm, "agent", "agent-pw");
        assertThat(EmailCodes.nextCode(r, "agent")).hasSize(6);
        assertThat(submitCode(warm, page, "000000").isRedirectToClient()).isFalse();

        r.admin.ok(r.putSettings(r.admin, Map.of("codeLength", 8, "resendCooldownSeconds", 1)));
        sleepSeconds(1.1);
        Browser onB = r.browser().routed(b());
        Browser.Page next = r.signIn(onB, "agent", "agent-pw");
        // the first login's code still lives (one live code per user, issue 10): "Send again" on B issues a new one
        next = CodePage.resend(onB, next);
        String code = EmailCodes.nextCode(r, "agent");
        assertThat(code).as("the code length saved on A, on B").hasSize(8);
        assertThat(submitCode(onB, next, code).isRedirectToClient()).isTrue();
    }

    private record Signed(String access, String refresh) {
    }

    private static Signed signInDirect(TestRealm r, String user, String password) {
        JsonNode json = r.admin.ok(r.directGrant(user, password));
        return new Signed(json.get("access_token").asText(), json.get("refresh_token").asText());
    }

    @Test
    @Order(10)
    void deauthorizeOnAEndsTheSessionsThatBIssued() {
        TestRealm r = realm("cl-deauthorize", Map.of());
        r.addUser("agent", "agent-pw");
        r.makeRealmAdmin(r.addUser("boss", "boss-pw"));
        TestRealm onB = r.via(cluster.b.baseUrl());
        Signed agent = signInDirect(onB, "agent", "agent-pw");
        assertThat(onB.userinfo(agent.access()).status()).isEqualTo(200);
        assertThat(r.userinfo(agent.access()).status()).as("B's token is good on A").isEqualTo(200);

        AdminClient boss = AdminClient.passwordGrant(cluster.a.baseUrl(), r.name, "boss", "boss-pw");
        HttpAnswer answer = boss.post("/" + r.name + "/twofactor/deauthorize", null);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("deauthorized").asInt()).isEqualTo(1);

        assertThat(onB.userinfo(agent.access()).status()).as("access token dead on B").isEqualTo(401);
        assertThat(onB.refresh(agent.refresh()).status()).as("refresh token dead on B").isEqualTo(400);
        assertThat(r.userinfo(agent.access()).status()).as("access token dead on A").isEqualTo(401);
    }

    @Test
    @Order(11)
    void aTotpResetOnAStopsALoginWaitingOnB() {
        TestRealm r = realm("cl-totp-reset", Map.of("method", "totp"));
        String id = r.addUser("dave", "dave-pw");
        Browser browser = r.browser().routed(a());
        Browser.Page page = r.signIn(browser, "dave", "dave-pw");
        Totp oldDevice = enrolmentPage(page);
        assertThat(submitCode(browser, page, oldDevice.now()).isRedirectToClient()).isTrue();

        Browser midLogin = r.browser().routed(b());
        Browser.Page codePage = r.signIn(midLogin, "dave", "dave-pw");
        assertThat(codePage.doc().selectFirst(QrPage.QR)).isNull();
        assertThat(codePage.doc().selectFirst(CodePage.FIELD)).isNotNull();

        assertThat(r.admin.delete("/" + r.name + "/twofactor/users/" + id + "/totp").status()).isEqualTo(204);

        Browser.Page afterReset = submitCode(midLogin, codePage, oldDevice.next());
        assertThat(afterReset.isRedirectToClient()).as("the old device's code is refused on B").isFalse();
        assertThat(enrolmentPage(afterReset).key()).isNotEqualTo(oldDevice.key());
    }

    /** The Security page's own sign-in (public client, PKCE), tokens from {@code tokenNode}. */
    private static JsonNode pageTokens(TestRealm r, Browser browser, String username, UnaryOperator<URI> codeNode,
                                       String tokenNode) throws Exception {
        String page = cluster.publicUrl() + "/realms/" + r.name + "/twofactor-admin/";
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.UUID.randomUUID().toString()
                .repeat(2).getBytes(StandardCharsets.US_ASCII));
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        Browser.Page login = browser.open(cluster.publicUrl() + "/realms/" + r.name + "/protocol/openid-connect/auth?client_id=twofactor-admin"
                + "&response_type=code&scope=openid&redirect_uri=" + URLEncoder.encode(page, StandardCharsets.UTF_8)
                + "&code_challenge_method=S256&code_challenge=" + challenge);
        Browser.Page codePage = browser.submit(login, "form#kc-form-login", Map.of("username", username, "password", username + "-pw"));
        String code = EmailCodes.nextCode(r, username);
        Browser.Page done = submitCode(browser.routed(codeNode), codePage, code);
        assertThat(done.isRedirectToClient()).as(done.toString()).isTrue();
        HttpAnswer tokens = AdminClient.tokenRequest(tokenNode, r.name, Map.of("grant_type", "authorization_code",
                "client_id", "twofactor-admin", "code", done.queryParam("code"), "redirect_uri", page, "code_verifier", verifier));
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        return tokens.json();
    }

    private static void assertSecurityPageServedBy(ClusterServer.Node node, TestRealm r, String accessToken) {
        HttpAnswer index = AdminClient.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/realms/" + r.name + "/twofactor-admin/")).GET().build());
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.body()).contains("app.js");
        AdminClient page = new AdminClient(node.baseUrl(), accessToken);
        assertThat(page.ok(page.get("/" + r.name + "/twofactor/settings")).get("method").asText()).isEqualTo("email");
        assertThat(page.ok(page.get("/" + r.name + "/twofactor/users")).toString()).contains("agent");
    }

    @Test
    @Order(12)
    void theSecurityPageServedByBWorksWithALoginAndTokensThroughA() throws Exception {
        TestRealm r = realm("cl-page", email());
        r.addUser("agent", "agent-pw");
        String bossId = r.addUser("boss", "boss-pw");
        r.makeRealmAdmin(bossId);
        Browser browser = new Browser(cluster.publicUrl() + "/realms/" + r.name + "/twofactor-admin/").routed(a());
        JsonNode tokens = pageTokens(r, browser, "boss", a(), cluster.a.baseUrl());
        assertSecurityPageServedBy(cluster.b, r, tokens.get("access_token").asText());
        HttpAnswer refreshed = AdminClient.tokenRequest(cluster.b.baseUrl(), r.name, Map.of("grant_type", "refresh_token",
                "client_id", "twofactor-admin", "refresh_token", tokens.get("refresh_token").asText()));
        assertThat(refreshed.status()).as("A's refresh token on B").isEqualTo(200);
    }

    private static final Pattern SAMPLE = Pattern.compile("^(twofactor_[a-z_]+)(?:\\{([^}]*)\\})?\\s+([0-9.Ee+-]+)$");

    /** The twofactor_ samples of both nodes' /metrics, summed per series. */
    private static Map<String, Double> metrics(List<String> raw) {
        Map<String, Double> sums = new HashMap<>();
        for (ClusterServer.Node node : List.of(cluster.a, cluster.b)) {
            HttpAnswer m = AdminClient.send(HttpRequest.newBuilder(URI.create(node.managementUrl() + "/metrics")).GET().build());
            assertThat(m.status()).isEqualTo(200);
            for (String line : m.body().split("\n")) {
                if (!line.startsWith("twofactor_")) {
                    continue;
                }
                raw.add(line);
                Matcher s = SAMPLE.matcher(line.trim());
                if (s.matches()) {
                    String labels = java.util.Arrays.stream((s.group(2) == null ? "" : s.group(2)).split(","))
                            .filter(l -> !l.isBlank()).sorted().reduce((x, y) -> x + "," + y).orElse("");
                    sums.merge(s.group(1) + "{" + labels + "}", Double.parseDouble(s.group(3)), Double::sum);
                }
            }
        }
        return sums;
    }

    private static double value(Map<String, Double> m, String series) {
        return m.getOrDefault(series, 0.0);
    }

    @Test
    @Order(13)
    void metricsCountSendsChecksRefusalsAndLockoutsWithoutNamingAnyone() {
        Map<String, Double> before = metrics(new java.util.ArrayList<>());
        TestRealm r = realm("cl-metrics", email("resendCooldownSeconds", 30, "maxCodeAttempts", 2));
        r.admin.ok(r.admin.put("/" + r.name, Map.of("bruteForceProtected", false)));
        r.addUser("agent", "agent-pw");
        Browser browser = r.browser().routed(a());
        Browser.Page page = r.signIn(browser, "agent", "agent-pw");
        String code = EmailCodes.nextCode(r, "agent");
        String wrong = code.equals("000000") ? "111111" : "000000";
        page = submitCode(browser.routed(b()), page, wrong);
        page = CodePage.resend(browser, page);
        assertThat(page.doc().text()).contains("You can request a new code in");
        assertThat(submitCode(browser, page, code).isRedirectToClient()).isTrue();

        r.addUser("other", "other-pw");
        Browser second = r.browser().routed(b());
        Browser.Page otherPage = r.signIn(second, "other", "other-pw");
        EmailCodes.next(r, "other");
        otherPage = submitCode(second, otherPage, wrong);
        submitCode(second, otherPage, wrong);

        List<String> raw = new java.util.ArrayList<>();
        Map<String, Double> after = metrics(raw);
        assertThat(value(after, "twofactor_codes_sent_total{channel=\"email\",result=\"sent\"}")
                - value(before, "twofactor_codes_sent_total{channel=\"email\",result=\"sent\"}")).isEqualTo(2.0);
        assertThat(value(after, "twofactor_code_checks_total{factor=\"email\",result=\"accepted\"}")
                - value(before, "twofactor_code_checks_total{factor=\"email\",result=\"accepted\"}")).isEqualTo(1.0);
        // agent's one wrong code, then other's two: the second of those locks other's second factor (per user)
        assertThat(value(after, "twofactor_code_checks_total{factor=\"email\",result=\"wrong\"}")
                - value(before, "twofactor_code_checks_total{factor=\"email\",result=\"wrong\"}")).isEqualTo(3.0);
        assertThat(value(after, "twofactor_send_refused_total{reason=\"cooldown\"}")
                - value(before, "twofactor_send_refused_total{reason=\"cooldown\"}")).isEqualTo(1.0);
        assertThat(value(after, "twofactor_lockouts_total{}") - value(before, "twofactor_lockouts_total{}")).isEqualTo(1.0);
        assertThat(value(after, "twofactor_gateway_seconds_count{channel=\"email\"}")
                - value(before, "twofactor_gateway_seconds_count{channel=\"email\"}")).isEqualTo(2.0);
        assertThat(raw).as("no user, address, realm or code in any label")
                .noneMatch(l -> l.contains("agent") || l.contains("other") || l.contains(r.name) || l.contains("example.test")
                        || l.contains(code));
        System.out.println("twofactor metrics after the login:\n" + String.join("\n", raw));
    }

    @Test
    @Order(90)
    void anotherSmsProviderAtRunTimeStopsTheStartWithKeycloaksMessage() throws Exception {
        ClusterServer.Node c = cluster.startAnother("node-c", List.of("--spi-twofactor-sms--provider=log"));
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            while (c.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(c.isAlive()).as("a node whose SMS provider differs from the build's must not start; see " + c.log).isFalse();
            assertThat(c.exitValue()).isNotZero();
            String log = String.join("\n", c.logLines());
            System.out.println("node-c refused to start (exit " + c.exitValue() + "):\n" + log);
            assertThat(log).contains("The following build time options have values that differ from what is persisted")
                    .contains("kc.spi-twofactor-sms--provider")
                    .doesNotContain(" started in ");
        } finally {
            c.kill();
        }
    }

    /**
     * A third node of the cluster (on the same build and database) with {@code extra} options, ready and seen by A
     * and B: the graceful-stop tests stop it, so that A and B stay up for the node-loss test.
     */
    private static ClusterServer.Node joinThirdNode(String name, List<String> extra) throws Exception {
        int seenA = cluster.a.logLines().size();
        ClusterServer.Node node = cluster.startAnother(name, extra);
        try {
            node.awaitReady(ClusterServer.READY_TIMEOUT);
            cluster.a.awaitLog(Duration.ofMinutes(2), seenA, l -> l.contains("new cluster view") && l.contains("(3)")
                    && l.contains(name));
        } catch (Exception | AssertionError e) {
            node.kill();
            throw e;
        }
        return node;
    }

    /** A login on {@code node} whose email goes through {@code smtp}, at its code page with the send pending. */
    private static Browser.Page codePagePending(TestRealm r, SlowSmtp smtp, Browser browser) {
        r.admin.ok(r.admin.put("/" + r.name, Map.of("smtpServer", Map.of("host", "127.0.0.1", "port", String.valueOf(smtp.port()),
                "from", "keycloak@example.test"))));
        r.addUser("agent", "agent-pw");
        Browser.Page page = r.signIn(browser, "agent", "agent-pw");
        assertThat(page.doc().selectFirst("input[name=code]")).as(page.toString()).isNotNull();
        assertThat(DeliveryPoll.state(browser, DeliveryPoll.url(page))).as("the send still pending when the node is stopped")
                .isEqualTo("pending");
        return page;
    }

    @Test
    @Order(95)
    void aSendPendingWhenItsNodeStopsGracefullyIsDoneBeforeTheStopEndsAndTheCodeSignsInOnB() throws Exception {
        ClusterServer.Node c = joinThirdNode("node-grace", List.of());
        try (SlowSmtp smtp = SlowSmtp.before(cluster.mail().smtpPort())) {
            // longer than Keycloak's own shutdown delay and timeout, shorter than the default grace (10 s)
            smtp.delayMillis = 5000;
            TestRealm r = realm("cl-stop-grace", email());
            Browser browser = r.browser().routed(cluster.to(c));
            Browser.Page page = codePagePending(r, smtp, browser);

            long begin = System.nanoTime();
            c.stop();
            long stopMillis = (System.nanoTime() - begin) / 1_000_000;
            assertThat(c.isAlive()).isFalse();
            System.out.println("node-grace stopped (SIGTERM) in " + stopMillis + " ms");
            assertThat(stopMillis).as("SIGTERM to exit, not the harness's 30 s SIGKILL fallback").isLessThan(25_000);
            // done before the stop completed: already in the mail server when the process is gone
            assertThat(EmailCodes.count(r, "agent")).as("the code was sent before the node's exit").isEqualTo(1);
            assertThat(c.logLines()).as("node-grace gave up on no send").noneMatch(l -> l.contains("not sent after"));

            String code = EmailCodes.nextCode(r, "agent");
            DeliveryPoll.await(browser.routed(b()), page, "sent", Duration.ofSeconds(10));
            Browser.Page done = submitCode(browser.routed(b()), page, code);
            assertThat(done.isRedirectToClient()).as("the code sent by the stopped node, entered on B: " + done).isTrue();
            assertThat(r.via(cluster.b.baseUrl()).exchange(done).get("access_token").asText()).isNotBlank();
        } finally {
            c.kill();
        }
    }

    @Test
    @Order(96)
    void aSendStillRunningAfterTheGraceIsShownAsFailedOnBAndSendAgainOnBWorks() throws Exception {
        ClusterServer.Node c = joinThirdNode("node-nograce",
                List.of("--spi-authenticator--twofactor-authenticator--delivery-shutdown-grace-seconds=1"));
        try (SlowSmtp smtp = SlowSmtp.before(cluster.mail().smtpPort())) {
            // far longer than the grace (1 s)
            smtp.delayMillis = 15_000;
            TestRealm r = realm("cl-stop-nograce", email("resendCooldownSeconds", 120));
            Browser browser = r.browser().routed(cluster.to(c));
            Browser.Page page = codePagePending(r, smtp, browser);

            c.stop();
            assertThat(c.isAlive()).isFalse();
            // the login goes on on B: the send the stopped node gave up on is failed (poll and next submit)
            DeliveryPoll.await(browser.routed(b()), page, "failed", Duration.ofSeconds(90));
            Browser.Page next = submitCode(browser.routed(b()), page, "123456");
            assertThat(next.doc().selectFirst("#twofactor-delivery-failed:not([hidden])")).as(next.toString()).isNotNull();
            assertThat(next.doc().selectFirst("button[name=resend]:not([disabled])")).as("Send again at once, on B").isNotNull();

            smtp.delayMillis = 0;
            Browser.Page resent = CodePage.resend(browser.routed(b()), next);
            String code = EmailCodes.nextCode(r, "agent");
            assertThat(submitCode(browser.routed(b()), resent, code).isRedirectToClient()).as("the code sent again by B").isTrue();
            sleepSeconds(1);
            assertThat(EmailCodes.count(r, "agent")).as("the stopped node's send never went out").isEqualTo(1);
        } finally {
            c.kill();
        }
    }

    @Test
    @Order(100)
    void afterNodeALoss_theLoginFinishesOnBAndBServesEverything() throws Exception {
        TestRealm r = realm("cl-node-loss", email("resendCooldownSeconds", 1));
        r.addUser("agent", "agent-pw");
        String bossId = r.addUser("boss", "boss-pw");
        r.makeRealmAdmin(bossId);
        Browser browser = r.browser().routed(a());
        Browser.Page page = r.signIn(browser, "agent", "agent-pw");
        String code = EmailCodes.nextCode(r, "agent");

        int seen = cluster.b.logLines().size();
        cluster.a.kill();
        String view = cluster.b.awaitLog(Duration.ofMinutes(2), seen,
                l -> l.contains("new cluster view") && l.contains("(1)"));
        System.out.println("B after A's SIGKILL: " + view);

        TestRealm onB = r.via(cluster.b.baseUrl());
        Browser.Page done = submitCode(browser.routed(b()), page, code);
        assertThat(done.isRedirectToClient()).as("the code sent through A, entered on B: " + done).isTrue();
        assertThat(onB.exchange(done).get("access_token").asText()).isNotBlank();

        // B alone: a whole new login, the admin API, the Security page
        Browser fresh = r.browser().routed(b());
        Browser.Page next = r.signIn(fresh, "agent", "agent-pw");
        sleepSeconds(0.2);
        assertThat(submitCode(fresh, next, EmailCodes.nextCode(r, "agent")).isRedirectToClient()).isTrue();
        Browser pageBrowser = new Browser(cluster.publicUrl() + "/realms/" + r.name + "/twofactor-admin/").routed(b());
        JsonNode tokens = pageTokens(r, pageBrowser, "boss", b(), cluster.b.baseUrl());
        assertSecurityPageServedBy(cluster.b, r, tokens.get("access_token").asText());
    }
}
