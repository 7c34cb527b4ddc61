package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.KeycloakServer;
import dev.keycloaktwofactor.it.support.QrPage;
import dev.keycloaktwofactor.it.support.TestRealm;
import dev.keycloaktwofactor.it.support.Totp;
import com.fasterxml.jackson.databind.JsonNode;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Benchmarks, not tests: never part of the suite (the class name is outside failsafe's includes) and nothing here
 * asserts a time. Run with
 * {@code mvn -B verify -Dit.test=Benchmark -Dfailsafe.failIfNoSpecifiedTests=false [-Dbench.users=60]}.
 * <p>
 * Both sides run on the same server in the same run, interleaved user by user so that drift hits both alike:
 * <ol>
 *   <li>TOTP login: our policy step (method {@code totp}) against Keycloak's built-in OTP (stock browser flow,
 *       {@code CONFIGURE_TOTP} then the conditional OTP form): enrolment, then a later sign-in, per phase;</li>
 *   <li>the Security page's users list over 10,000 users against Keycloak's own users endpoint.</li>
 * </ol>
 * The table goes to stdout and to {@code integration-tests/target/benchmark.md}.
 * <p>
 * {@code -Dbench.mode=delivery} measures instead what the code's delivery costs a login: the suite's SMTP server
 * and Twilio stub both answer after {@code -Dbench.delay.millis} (300), and sign-ins by email code and SMS code run
 * against the app method (TOTP) and Keycloak's built-in OTP, same run, interleaved: the password POST (until the
 * code page is there) one login at a time, then logins/s with {@code bench.clients} (4) clients at once, in blocks
 * whose order turns each round. Writes {@code target/benchmark-delivery.md}.
 */
class Benchmark {

    private static final int USERS = Integer.getInteger("bench.users", 60);
    private static final int WARM_UP = Math.min(10, USERS / 4);
    private static final int LIST_USERS = Integer.getInteger("bench.list.users", 10_000);
    private static final int LIST_CALLS = Integer.getInteger("bench.list.calls", 40);

    private final StringBuilder report = new StringBuilder();

    @Test
    void run() throws Exception {
        if ("delivery".equals(System.getProperty("bench.mode"))) {
            new DeliveryBenchmark(report).run();
            Path out = Paths.get(System.getProperty("twofactor.it.output", "target")).resolve("benchmark-delivery.md");
            Files.writeString(out, report.toString());
            System.out.println(report);
            System.out.println("Written to " + out.toAbsolutePath());
            return;
        }
        line("# Benchmark: keycloak-twofactor against Keycloak's built-in OTP, one Keycloak " + KeycloakServer.VERSION + ", same run");
        line("");
        line("Machine: " + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version")
                + "; Keycloak dev-mem database, local cache. Times in milliseconds, client side (loopback HTTP).");
        line("");
        totpLogins();
        usersList();
        Path out = Paths.get(System.getProperty("twofactor.it.output", "target")).resolve("benchmark.md");
        Files.writeString(out, report.toString());
        System.out.println(report);
        System.out.println("Written to " + out.toAbsolutePath());
    }

    // ------------------------------------------------------------------------------------------------ TOTP login

    private void totpLogins() {
        TestRealm ours = TestRealm.create("bench-ours");
        ours.admin.ok(ours.putSettings(ours.admin, Map.of("method", "totp")));
        TestRealm builtIn = TestRealm.create("bench-builtin");

        Samples oursEnrolPassword = new Samples(), oursEnrolCode = new Samples(), oursPassword = new Samples(), oursCode = new Samples();
        Samples kcEnrolPassword = new Samples(), kcEnrolCode = new Samples(), kcPassword = new Samples(), kcCode = new Samples();

        for (int i = 0; i < USERS; i++) {
            boolean counted = i >= WARM_UP;
            String user = String.format("bench-%03d", i);

            // ours: password, QR page, code from the app; later: password, code page, code
            ours.addUser(user, "pw-" + user);
            Browser b = ours.browser();
            Browser.Page login = b.open(ours.authUrl());
            long t0 = System.nanoTime();
            Browser.Page qr = b.submit(login, "form#kc-form-login", Map.of("username", user, "password", "pw-" + user));
            long t1 = System.nanoTime();
            Totp app = QrPage.scan(qr);
            String code = app.now();
            long t2 = System.nanoTime();
            Browser.Page done = CodePage.submit(b, qr, code);
            long t3 = System.nanoTime();
            assertThat(done.isRedirectToClient()).as("ours, enrolment of " + user + ": " + done).isTrue();
            Browser later = ours.browser();
            Browser.Page login2 = later.open(ours.authUrl());
            long t4 = System.nanoTime();
            Browser.Page codePage = later.submit(login2, "form#kc-form-login", Map.of("username", user, "password", "pw-" + user));
            long t5 = System.nanoTime();
            Browser.Page done2 = CodePage.submit(later, codePage, app.next());
            long t6 = System.nanoTime();
            assertThat(done2.isRedirectToClient()).as("ours, login of " + user + ": " + done2).isTrue();
            if (counted) {
                oursEnrolPassword.add(t1 - t0);
                oursEnrolCode.add(t3 - t2);
                oursPassword.add(t5 - t4);
                oursCode.add(t6 - t5);
            }

            // Keycloak's own: password, CONFIGURE_TOTP page, code; later: password, OTP form, code
            String id = builtIn.addUser(user, "pw-" + user);
            builtIn.admin.ok(builtIn.admin.put("/" + builtIn.name + "/users/" + id, Map.of("requiredActions", List.of("CONFIGURE_TOTP"))));
            Browser k = builtIn.browser();
            Browser.Page kLogin = k.open(builtIn.authUrl());
            long k0 = System.nanoTime();
            Browser.Page setup = k.submit(kLogin, "form#kc-form-login", Map.of("username", user, "password", "pw-" + user));
            long k1 = System.nanoTime();
            // Keycloak's page carries its secret in a hidden field (the realm's default policy: SHA1, 6 digits, 30 s)
            Element secret = setup.doc().selectFirst("input#totpSecret");
            assertThat(secret).as("Keycloak's TOTP setup page: " + setup).isNotNull();
            Totp kApp = new Totp(user, secret.val().getBytes(java.nio.charset.StandardCharsets.US_ASCII), "HmacSHA1", 6, 30, builtIn.name);
            String kCode = kApp.now();
            long k2 = System.nanoTime();
            Browser.Page kDone = k.submit(setup, "form#kc-totp-settings-form", Map.of("totp", kCode));
            long k3 = System.nanoTime();
            assertThat(kDone.isRedirectToClient()).as("built-in, enrolment of " + user + ": " + kDone).isTrue();
            Browser kLater = builtIn.browser();
            Browser.Page kLogin2 = kLater.open(builtIn.authUrl());
            long k4 = System.nanoTime();
            Browser.Page otpPage = kLater.submit(kLogin2, "form#kc-form-login", Map.of("username", user, "password", "pw-" + user));
            long k5 = System.nanoTime();
            Browser.Page kDone2 = kLater.submit(otpPage, "form#kc-otp-login-form", Map.of("otp", kApp.next()));
            long k6 = System.nanoTime();
            assertThat(kDone2.isRedirectToClient()).as("built-in, login of " + user + ": " + kDone2).isTrue();
            if (counted) {
                kcEnrolPassword.add(k1 - k0);
                kcEnrolCode.add(k3 - k2);
                kcPassword.add(k5 - k4);
                kcCode.add(k6 - k5);
            }
        }

        line("## TOTP sign-in: " + (USERS - WARM_UP) + " users each (after " + WARM_UP + " warm-up users), interleaved");
        line("");
        line("| phase | keycloak-twofactor median | p90 | built-in OTP median | p90 | ratio of medians |");
        line("|---|---|---|---|---|---|");
        row("password → QR / setup page (first login)", oursEnrolPassword, kcEnrolPassword);
        row("code from the app → signed in (enrolment)", oursEnrolCode, kcEnrolCode);
        row("password → code page (later login)", oursPassword, kcPassword);
        row("code → signed in (later login)", oursCode, kcCode);
        line("");
    }

    // ------------------------------------------------------------------------------------------------ users list

    private void usersList() {
        TestRealm r = TestRealm.create("bench-users");
        long t0 = System.nanoTime();
        for (int start = 0; start < LIST_USERS; start += 1000) {
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = start; i < Math.min(LIST_USERS, start + 1000); i++) {
                Map<String, Object> u = new LinkedHashMap<>();
                u.put("username", String.format("user-%05d", i));
                u.put("email", String.format("user-%05d@bench.example.test", i));
                u.put("enabled", true);
                if (i % 3 == 0) {
                    u.put("attributes", Map.of("phoneNumber", List.of(String.format("+1415555%04d", i % 10_000))));
                }
                batch.add(u);
            }
            r.admin.ok(r.admin.post("/" + r.name + "/partialImport", Map.of("ifResourceExists", "SKIP", "users", batch)));
        }
        double importSeconds = (System.nanoTime() - t0) / 1e9;

        String base = "/" + r.name;
        Map<String, String[]> calls = new LinkedHashMap<>();
        calls.put("first page (first=0, max=20)", new String[]{
                base + "/twofactor/users?first=0&max=20", base + "/users?first=0&max=20&briefRepresentation=true"});
        calls.put("last page (first=" + (LIST_USERS - 20) + ", max=20)", new String[]{
                base + "/twofactor/users?first=" + (LIST_USERS - 20) + "&max=20",
                base + "/users?first=" + (LIST_USERS - 20) + "&max=20&briefRepresentation=true"});
        calls.put("search \"user-01\" (max=20)", new String[]{
                base + "/twofactor/users?search=user-01&first=0&max=20", base + "/users?search=user-01&first=0&max=20&briefRepresentation=true"});

        line("## Users list over " + LIST_USERS + " users (imported in " + String.format(Locale.ROOT, "%.1f", importSeconds)
                + " s), " + LIST_CALLS + " calls each after 5 warm-up calls, interleaved");
        line("");
        line("| call | Security page's list (`/twofactor/users`) median | p90 | Keycloak's `/users` (brief) median | p90 | ratio of medians |");
        line("|---|---|---|---|---|---|");
        for (Map.Entry<String, String[]> call : calls.entrySet()) {
            Samples ours = new Samples();
            Samples kc = new Samples();
            for (int i = 0; i < LIST_CALLS + 5; i++) {
                // alternate which goes first, so that neither always finds the other's warm caches
                boolean oursFirst = i % 2 == 0;
                long[] t = new long[2];
                JsonNode[] answers = new JsonNode[2];
                for (int k = 0; k < 2; k++) {
                    int which = oursFirst ? k : 1 - k;
                    long a = System.nanoTime();
                    answers[which] = r.admin.ok(r.admin.get(call.getValue()[which]));
                    t[which] = System.nanoTime() - a;
                }
                assertThat(answers[0].get("users").size()).as(call.getKey()).isEqualTo(answers[1].size()).isPositive();
                if (i >= 5) {
                    ours.add(t[0]);
                    kc.add(t[1]);
                }
            }
            row(call.getKey(), ours, kc);
        }
        line("");
    }

    // ------------------------------------------------------------------------------------------------ report

    private void row(String what, Samples ours, Samples kc) {
        line(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.2f |", what,
                ours.median(), ours.p90(), kc.median(), kc.p90(), ours.median() / kc.median()));
    }

    private void line(String s) {
        report.append(s).append('\n');
    }

    static final class Samples {
        private final List<Double> ms = new ArrayList<>();

        void add(long nanos) {
            ms.add(nanos / 1e6);
        }

        double median() {
            return quantile(0.5);
        }

        double p90() {
            return quantile(0.9);
        }

        private double quantile(double q) {
            List<Double> sorted = new ArrayList<>(ms);
            sorted.sort(Double::compare);
            return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size())));
        }
    }
}
