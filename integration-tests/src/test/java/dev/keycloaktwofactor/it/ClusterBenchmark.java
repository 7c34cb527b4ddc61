package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.ClusterServer;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.EmailCodes;
import dev.keycloaktwofactor.it.support.TestRealm;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cost of the hourly caps, measured, never asserted (outside the suite: run it by name). Each cap is a row of
 * slots claimed one by one with put-if-absent ({@code AtomicSlots}), so a send near the cap tries every taken slot
 * first: on a cluster each try may be a remote call. One user signs in {@code bench.cap} times from one address to
 * one mailbox, so the user, address and destination counters all fill up together; the time of the password post
 * (which claims the slots and sends the email) is compared between the first sends and the last ones before the cap.
 * <pre>
 * mvn -B verify -pl integration-tests -Dtwofactor.smoke.skip=true -Dit.test=ClusterBenchmark \
 *   -Dfailsafe.failIfNoSpecifiedTests=false -Dtwofactor.it.cluster.nodes=1|2 -Dbench.cap=200 \
 *   "-Dtwofactor.it.cluster.options=--spi-authenticator--twofactor-authenticator--max-sends-per-user-per-hour=200
 *    --spi-authenticator--twofactor-authenticator--max-sends-per-address-per-hour=200
 *    --spi-authenticator--twofactor-authenticator--max-sends-per-destination-per-hour=200"
 * </pre>
 * (Failsafe hands {@code -D} properties of the Maven command line to the test JVM.) Rows are appended to
 * {@code integration-tests/target/benchmark-caps.md}.
 */
@Tag("cluster")
class ClusterBenchmark {

    private static final int CAP = Integer.getInteger("bench.cap", 200);
    private static final int WINDOW = 10;

    @Test
    void sendTimeNearTheCapAgainstAnEmptyCounter() throws IOException {
        ClusterServer cluster = ClusterServer.get();
        boolean two = cluster.a != cluster.b;
        TestRealm r = TestRealm.onCluster("bench-cap", cluster.publicUrl(), cluster.a.baseUrl(), cluster.mail());
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email", "resendCooldownSeconds", 1)));
        r.admin.ok(r.admin.put("/" + r.name, Map.of("bruteForceProtected", false)));
        r.addUser("bench", "bench-pw");

        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < CAP; i++) {
            Browser b = r.browser().routed(cluster.to(cluster.a));
            Browser.Page login = b.open(r.authUrl());
            long t0 = System.nanoTime();
            Browser.Page codePage = b.submit(login, "form#kc-form-login", Map.of("username", "bench", "password", "bench-pw"));
            millis.add((System.nanoTime() - t0) / 1e6);
            String code = EmailCodes.nextCode(r, "bench");
            Browser.Page done = CodePage.submit(b.routed(cluster.to(cluster.b)), codePage, code);
            if (!done.isRedirectToClient()) {
                throw new AssertionError("send " + (i + 1) + " of " + CAP + " did not complete: " + done);
            }
        }
        Browser b = r.browser().routed(cluster.to(cluster.a));
        Browser.Page login = b.open(r.authUrl());
        long t0 = System.nanoTime();
        Browser.Page refused = b.submit(login, "form#kc-form-login", Map.of("username", "bench", "password", "bench-pw"));
        double refusedMs = (System.nanoTime() - t0) / 1e6;
        if (!refused.doc().text().contains("Too many codes were sent to you in the last hour")) {
            throw new AssertionError("the cap did not hold: " + refused);
        }

        // the first sends after a short warm-up, against the last ones before the cap
        double empty = median(millis.subList(3, 3 + WINDOW));
        double full = median(millis.subList(CAP - WINDOW, CAP));
        String row = String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.2f | %.1f |", two ? "two nodes (password on A, code on B)" : "one node",
                CAP, empty, full, full / empty, refusedMs);
        System.out.println("| setup | cap | send, slots 4-13 taken: median ms | send, slots " + (CAP - WINDOW) + "-" + (CAP - 1)
                + " taken: median ms | ratio | refused send at the cap, ms |");
        System.out.println(row);
        Path out = Paths.get(System.getProperty("twofactor.it.output", "target")).resolve("benchmark-caps.md");
        Files.writeString(out, row + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
