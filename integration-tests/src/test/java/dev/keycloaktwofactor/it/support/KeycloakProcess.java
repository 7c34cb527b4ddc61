package dev.keycloaktwofactor.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * One Keycloak process started from an unpacked distribution, what {@link KeycloakServer} (the suite's one dev-mode
 * server) and {@link ClusterServer} (each node) have in common: the provider JAR put into {@code providers/}, the
 * process started with the bootstrap admin and its output in a log file, the wait for {@code /health/ready} on the
 * management port, the log read as it grows, and stop or kill with the JVMs it started.
 */
public class KeycloakProcess {

    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "admin";

    public final String name;
    public final int httpPort;
    public final int managementPort;
    public final Path log;
    private final Process process;

    protected KeycloakProcess(String name, int httpPort, int managementPort, Path log, Process process) {
        this.name = name;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts {@code command} (a {@code kc.sh} call) with the bootstrap admin {@link #ADMIN_USER} and {@code env}, its
     * output and errors into {@code log}; it is not ready yet ({@link #awaitReady}).
     */
    public static KeycloakProcess start(String name, List<String> command, Map<String, String> env, int httpPort,
            int managementPort, Path log) throws IOException {
        return new KeycloakProcess(name, httpPort, managementPort, log, launch(command, env, log));
    }

    /** The process of {@link #start}, for a subclass that carries more (a cluster node's JGroups port). */
    protected static Process launch(List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
        pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        pb.environment().putAll(env);
        return pb.start();
    }

    /** What starts a server: it may wait for the server (and be interrupted) or fail to write its files. */
    @FunctionalInterface
    public interface Start<T> {
        T start() throws IOException, InterruptedException;
    }

    /** Starts the test JVM's server (the suite's one, or the cluster); {@code stop} ends it with the JVM. */
    static <T> T startForThisJvm(Start<T> start, Consumer<T> stop, String hookName) {
        T server;
        try {
            server = start.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop.accept(server), hookName));
        return server;
    }

    /** The distribution's {@code providers/} holds the built JAR and no other JAR. */
    public static void installProvider(Path home, Path jar) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The provider JAR " + jar + " is missing: run the build from the repository root.");
        }
        Path providers = home.resolve("providers");
        Files.createDirectories(providers);
        try (Stream<Path> old = Files.list(providers)) {
            for (Path p : old.filter(p -> p.getFileName().toString().endsWith(".jar")).toList()) {
                Files.delete(p);
            }
        }
        Files.copy(jar, providers.resolve(jar.getFileName()));
    }

    /** Waits until the management port answers ready; an exit or the timeout ends the wait with the log's name. */
    public void awaitReady(Duration timeout) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(this + " exited with " + process.exitValue() + " during start-up; see " + log);
            }
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        kill();
        throw new IllegalStateException(this + " was not ready after " + timeout.toMinutes() + " minutes; see " + log);
    }

    public String baseUrl() {
        return "http://localhost:" + httpPort;
    }

    public String managementUrl() {
        return "http://localhost:" + managementPort;
    }

    public List<String> logLines() {
        try {
            return Files.readAllLines(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for a line of the log, reading it as it grows (no fixed sleep); returns the line. */
    public String awaitLog(Duration timeout, Predicate<String> line) throws InterruptedException {
        return awaitLog(timeout, 0, line);
    }

    /** The same, looking only at the lines after the first {@code skip} (those written before some event). */
    public String awaitLog(Duration timeout, int skip, Predicate<String> line) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            List<String> lines = logLines();
            for (String l : lines.subList(Math.min(skip, lines.size()), lines.size())) {
                if (line.test(l)) {
                    return l;
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("No such line in " + log + " after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int exitValue() {
        return process.exitValue();
    }

    /** SIGKILL, as a crashed machine or an OOM killer does it: no goodbye to a cluster. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM to the process and the JVM it started; killed after 30 s. */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " (" + baseUrl() + ")";
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** A system property that Maven (failsafe) sets for the tests. */
    static String required(String property) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("System property " + property + " is not set: run the tests through Maven (mvn verify).");
        }
        return v;
    }
}
