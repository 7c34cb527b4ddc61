package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.EmailCodes;
import dev.keycloaktwofactor.it.support.ExtraServerOptions;
import dev.keycloaktwofactor.it.support.KeycloakServer;
import dev.keycloaktwofactor.it.support.QrPage;
import dev.keycloaktwofactor.it.support.SlowSmtp;
import dev.keycloaktwofactor.it.support.TestRealm;
import dev.keycloaktwofactor.it.support.Totp;
import dev.keycloaktwofactor.it.support.TwilioStub;
import org.jsoup.nodes.Element;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Benchmark}'s delivery mode: what sending a code costs the login. Four ways to sign in on one server, same
 * run, interleaved: email code and SMS code (mail server and Twilio stub answering after a delay), our app method,
 * and Keycloak's built-in OTP form. Every login is a fresh user (app codes are single use per user and time step);
 * app and built-in OTP users are enrolled first, outside the measurement.
 */
final class DeliveryBenchmark {

    private static final long DELAY = Long.getLong("bench.delay.millis", 300);
    private static final int SEQUENTIAL = Integer.getInteger("bench.delivery.logins", 30);
    private static final int WARM_UP = 5;
    private static final int CLIENTS = Integer.getInteger("bench.clients", 4);
    private static final int ROUNDS = Integer.getInteger("bench.delivery.rounds", 3);
    private static final int PER_CLIENT = Integer.getInteger("bench.delivery.per-client", 5);
    /** Sends per user stay below the hourly cap per user (10). */
    private static final int LOGINS_PER_CODE_USER = 8;

    private static final List<String> METHODS = List.of("email", "sms", "app", "built-in OTP");

    private final StringBuilder report;
    private final TwilioStub twilio = ExtraServerOptions.twilio();
    private final Map<String, Method> methods = new LinkedHashMap<>();

    DeliveryBenchmark(StringBuilder report) {
        this.report = report;
    }

    /** One way to sign in: a login from the password POST to the redirect, returning the password POST's time. */
    private interface Method {
        long login(int n);
    }

    void run() throws Exception {
        int total = SEQUENTIAL + WARM_UP + ROUNDS * CLIENTS * PER_CLIENT + CLIENTS;
        try (SlowSmtp smtp = SlowSmtp.before(KeycloakServer.get().mail().smtpPort())) {
            smtp.delayMillis = DELAY;
            twilio.delayMillis = DELAY;
            try {
                methods.put("email", emailMethod(smtp.port(), total));
                methods.put("sms", smsMethod(total));
                methods.put("app", appMethod(total));
                methods.put("built-in OTP", builtInMethod(total));
                measure();
            } finally {
                twilio.delayMillis = 0;
            }
        }
    }

    private void measure() throws Exception {
        AtomicInteger[] next = new AtomicInteger[METHODS.size()];
        for (int i = 0; i < next.length; i++) {
            next[i] = new AtomicInteger();
        }
        Map<String, Benchmark.Samples> password = new LinkedHashMap<>();
        METHODS.forEach(m -> password.put(m, new Benchmark.Samples()));
        for (int i = 0; i < WARM_UP + SEQUENTIAL; i++) {
            for (int k = 0; k < METHODS.size(); k++) {
                int m = (i + k) % METHODS.size();
                long nanos = methods.get(METHODS.get(m)).login(next[m].getAndIncrement());
                if (i >= WARM_UP) {
                    password.get(METHODS.get(m)).add(nanos);
                }
            }
        }
        Map<String, Benchmark.Samples> rate = new LinkedHashMap<>();
        METHODS.forEach(m -> rate.put(m, new Benchmark.Samples()));
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                for (int k = 0; k < METHODS.size(); k++) {
                    int m = (round + k) % METHODS.size();
                    Method method = methods.get(METHODS.get(m));
                    long start = System.nanoTime();
                    List<Future<?>> clients = new ArrayList<>();
                    for (int c = 0; c < CLIENTS; c++) {
                        clients.add(pool.submit(() -> {
                            for (int j = 0; j < PER_CLIENT; j++) {
                                method.login(next[m].getAndIncrement());
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : clients) {
                        f.get();
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    // logins per second, stored as "nanos" so that Samples gives its median back unchanged
                    rate.get(METHODS.get(m)).add((long) (CLIENTS * PER_CLIENT / seconds * 1e6));
                }
            }
        } finally {
            pool.shutdownNow();
        }

        line("## Code delivery off the request path: SMTP and Twilio stub answering after " + DELAY + " ms");
        line("");
        line("Password POST until the code page (or the OTP form) is there, " + SEQUENTIAL + " logins per method one at a time (after "
                + WARM_UP + " warm-up each), interleaved; then logins/s with " + CLIENTS + " clients at once, "
                + ROUNDS + " blocks of " + (CLIENTS * PER_CLIENT) + " logins per method, the order turning each round. A login is"
                + " complete when the client was sent back to the application: for email and SMS that includes waiting for the"
                + " code to arrive. Times in ms, client side (loopback HTTP).");
        line("");
        line("| method | password POST p50 | p90 | p50 vs app | logins/s (median block) | vs built-in OTP |");
        line("|---|---|---|---|---|---|");
        double appP50 = password.get("app").median();
        double otpRate = rate.get("built-in OTP").median();
        for (String m : METHODS) {
            Benchmark.Samples p = password.get(m);
            double r = rate.get(m).median();
            line(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.2f | %.2f | %.2f |", m, p.median(), p.p90(),
                    p.median() / appP50, r, r / otpRate));
        }
        line("");
    }

    // ------------------------------------------------------------------------------------------------ methods

    /**
     * The suite's server caps sends per source address and realm at 25 an hour, and every benchmark login comes from
     * loopback: code logins are spread over realms ("shards") of at most 24 sends each, and over users of at most
     * {@value #LOGINS_PER_CODE_USER} logins each. Login {@code n} goes to shard {@code n % shards}.
     */
    private static final int SENDS_PER_SHARD = 24;
    private static final int USERS_PER_SHARD = (SENDS_PER_SHARD + LOGINS_PER_CODE_USER - 1) / LOGINS_PER_CODE_USER + 1;

    private static int shards(int total) {
        return (total + SENDS_PER_SHARD - 1) / SENDS_PER_SHARD;
    }

    /** The user of login {@code n} in its shard: a user is used by one client at a time (see the lock in the logins). */
    private static int userOf(int n, int shards) {
        return (n / shards) % USERS_PER_SHARD;
    }

    private Method emailMethod(int smtpPort, int total) {
        List<TestRealm> realms = new ArrayList<>();
        for (int k = 0; k < shards(total); k++) {
            TestRealm r = TestRealm.create("bench-email");
            r.admin.ok(r.admin.put("/" + r.name, Map.of("smtpServer", Map.of("host", "127.0.0.1", "port", String.valueOf(smtpPort),
                    "from", "keycloak@example.test"))));
            r.admin.ok(r.putSettings(r.admin, Map.of("method", "email", "resendCooldownSeconds", 1)));
            for (int u = 0; u < USERS_PER_SHARD; u++) {
                r.addUser(String.format("mail-%03d", u), "pw");
            }
            realms.add(r);
        }
        return n -> {
            TestRealm r = realms.get(n % realms.size());
            String user = String.format("mail-%03d", userOf(n, realms.size()));
            synchronized (("bench-user-" + r.name + user).intern()) {
                Browser b = r.browser();
                Browser.Page login = b.open(r.authUrl());
                long t0 = System.nanoTime();
                Browser.Page page = b.submit(login, "form#kc-form-login", Map.of("username", user, "password", "pw"));
                long took = System.nanoTime() - t0;
                String code = EmailCodes.code(r.mail().awaitMessageTo(r.email(user), Duration.ofSeconds(30)));
                Browser.Page done = CodePage.submit(b, page, code);
                assertThat(done.isRedirectToClient()).as("email login of " + user + ": " + done).isTrue();
                return took;
            }
        };
    }

    private Method smsMethod(int total) {
        List<TestRealm> realms = new ArrayList<>();
        for (int k = 0; k < shards(total); k++) {
            TestRealm r = TestRealm.withSms("bench-sms", Map.of("resendCooldownSeconds", 1));
            for (int u = 0; u < USERS_PER_SHARD; u++) {
                String id = r.addUser(String.format("text-%03d", u), "pw");
                r.admin.ok(r.admin.put("/" + r.name + "/twofactor/users/" + id + "/phone", Map.of("phoneNumber", phone(k, u))));
                r.admin.ok(r.admin.post("/" + r.name + "/twofactor/users/" + id + "/phone/confirm", null));
            }
            realms.add(r);
        }
        return n -> {
            int k = n % realms.size();
            TestRealm r = realms.get(k);
            int u = userOf(n, realms.size());
            String user = String.format("text-%03d", u);
            String phone = phone(k, u);
            synchronized (("bench-user-" + r.name + user).intern()) {
                int before = twilio.to(phone).size();
                Browser b = r.browser();
                Browser.Page login = b.open(r.authUrl());
                long t0 = System.nanoTime();
                Browser.Page page = b.submit(login, "form#kc-form-login", Map.of("username", user, "password", "pw"));
                long took = System.nanoTime() - t0;
                String code = twilio.awaitTo(phone, before, Duration.ofSeconds(30)).code();
                Browser.Page done = CodePage.submit(b, page, code);
                assertThat(done.isRedirectToClient()).as("SMS login of " + user + ": " + done).isTrue();
                return took;
            }
        };
    }

    /** A number per shard and user (+1 415 555 01xx, numbers the phone library takes as mobile). */
    private static String phone(int shard, int u) {
        int n = shard * USERS_PER_SHARD + u;
        if (n > 59) {
            throw new IllegalArgumentException("too many SMS users for +1 415 555 0140..0199: fewer logins please");
        }
        return String.format("+1415555%04d", 140 + n);
    }

    /** Our app method: each user enrolled first (QR), then signs in once with the app's code. */
    private Method appMethod(int total) {
        TestRealm r = TestRealm.create("bench-app");
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "totp")));
        List<Totp> apps = new ArrayList<>();
        for (int u = 0; u < total; u++) {
            String user = String.format("app-%03d", u);
            r.addUser(user, "pw");
            Browser b = r.browser();
            Browser.Page qr = b.submit(b.open(r.authUrl()), "form#kc-form-login", Map.of("username", user, "password", "pw"));
            Totp app = QrPage.scan(qr);
            assertThat(CodePage.submit(b, qr, app.now()).isRedirectToClient()).isTrue();
            apps.add(app);
        }
        return n -> {
            String user = String.format("app-%03d", n);
            Browser b = r.browser();
            Browser.Page login = b.open(r.authUrl());
            long t0 = System.nanoTime();
            Browser.Page page = b.submit(login, "form#kc-form-login", Map.of("username", user, "password", "pw"));
            long took = System.nanoTime() - t0;
            Browser.Page done = CodePage.submit(b, page, apps.get(n).next());
            assertThat(done.isRedirectToClient()).as("app login of " + user + ": " + done).isTrue();
            return took;
        };
    }

    /** Keycloak's own: the stock browser flow, CONFIGURE_TOTP first, then the conditional OTP form. */
    private Method builtInMethod(int total) {
        TestRealm r = TestRealm.create("bench-otp");
        List<Totp> apps = new ArrayList<>();
        for (int u = 0; u < total; u++) {
            String user = String.format("otp-%03d", u);
            String id = r.addUser(user, "pw");
            r.admin.ok(r.admin.put("/" + r.name + "/users/" + id, Map.of("requiredActions", List.of("CONFIGURE_TOTP"))));
            Browser b = r.browser();
            Browser.Page setup = b.submit(b.open(r.authUrl()), "form#kc-form-login", Map.of("username", user, "password", "pw"));
            Element secret = setup.doc().selectFirst("input#totpSecret");
            assertThat(secret).as("Keycloak's TOTP setup page: " + setup).isNotNull();
            Totp app = new Totp(user, secret.val().getBytes(java.nio.charset.StandardCharsets.US_ASCII), "HmacSHA1", 6, 30, r.name);
            assertThat(b.submit(setup, "form#kc-totp-settings-form", Map.of("totp", app.now())).isRedirectToClient()).isTrue();
            apps.add(app);
        }
        return n -> {
            String user = String.format("otp-%03d", n);
            Browser b = r.browser();
            Browser.Page login = b.open(r.authUrl());
            long t0 = System.nanoTime();
            Browser.Page page = b.submit(login, "form#kc-form-login", Map.of("username", user, "password", "pw"));
            long took = System.nanoTime() - t0;
            Browser.Page done = b.submit(page, "form#kc-otp-login-form", Map.of("otp", apps.get(n).next()));
            assertThat(done.isRedirectToClient()).as("built-in OTP login of " + user + ": " + done).isTrue();
            return took;
        };
    }

    private void line(String s) {
        report.append(s).append('\n');
    }
}
