package dev.keycloaktwofactor.it.support;

import dev.keycloaktwofactor.devtools.MailCatcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * ONE stock Keycloak for the whole test JVM, started from the distribution that Maven unpacked (26.7.3 for the whole
 * suite; 26.4.7 and 26.5.6 for the smoke set, each in its own failsafe execution), with the built provider JAR copied
 * into {@code providers/}, a real SMTP server on loopback and the SMS gateway options the tests need.
 * Ports are picked free at start so that a developer's own Keycloak on 8080 does not get in the way.
 */
public final class KeycloakServer {

    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "admin";

    /** The Keycloak release under test (the distribution failsafe points {@code keycloak.home} at). */
    public static final String VERSION = System.getProperty("keycloak.version", "26.7.3");
    /**
     * Set by the execution that shows the refusal on an unsupported release: the server then runs with the JAR's test
     * hook that makes it believe it is this version.
     */
    public static final String PRETENDED_VERSION = System.getProperty("twofactor.it.pretend-version", "");

    private static KeycloakServer instance;

    private final Process process;
    private final int httpPort;
    private final int managementPort;
    private final Path log;
    private final MailCatcher mail;
    private final Duration startup;

    private KeycloakServer(Process process, int httpPort, int managementPort, Path log, MailCatcher mail, Duration startup) {
        this.process = process;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.log = log;
        this.mail = mail;
        this.startup = startup;
    }

    public static synchronized KeycloakServer get() {
        if (instance == null) {
            try {
                instance = start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "keycloak-stop"));
        }
        return instance;
    }

    private static KeycloakServer start() throws IOException, InterruptedException {
        Path home = Paths.get(required("keycloak.home"));
        Path jar = Paths.get(required("twofactor.jar"));
        Path output = Paths.get(System.getProperty("twofactor.it.output", "target"));
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

        // The demo realm is imported the way ops import a realm: files in data/import and --import-realm.
        Path imports = home.resolve("data/import");
        Files.createDirectories(imports);
        try (Stream<Path> realms = Files.list(Paths.get(required("twofactor.realm.config")))) {
            for (Path realm : realms.filter(p -> p.toString().endsWith(".json")).toList()) {
                Files.copy(realm, imports.resolve(realm.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }

        MailCatcher mail = MailCatcher.start("127.0.0.1", 0, -1);
        int http = freePort();
        int management = freePort();
        Path log = output.resolve(System.getProperty("twofactor.it.log", "keycloak.log"));

        List<String> command = new ArrayList<>(List.of(
                home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-port=" + http,
                "--http-management-port=" + management,
                "--health-enabled=true",
                "--db=dev-mem",
                "--cache=local",
                "--import-realm"));
        command.addAll(ExtraServerOptions.get());
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
        pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        if (!PRETENDED_VERSION.isBlank()) {
            pb.environment().put("JAVA_OPTS_APPEND", "-Dkeycloak-twofactor.pretend-keycloak-version=" + PRETENDED_VERSION);
        }
        Instant begin = Instant.now();
        Process process = pb.start();
        awaitReady(process, management, log);
        Duration took = Duration.between(begin, Instant.now());
        System.out.printf("Keycloak %s with %s ready on http://localhost:%d in %d s (log: %s)%n",
                VERSION, jar.getFileName(), http, took.toSeconds(), log);
        return new KeycloakServer(process, http, management, log, mail, took);
    }

    private static void awaitReady(Process process, int managementPort, Path log) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + " during start-up; see " + log);
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
        process.destroyForcibly();
        throw new IllegalStateException("Keycloak was not ready after 5 minutes; see " + log);
    }

    public String baseUrl() {
        return "http://localhost:" + httpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public String managementUrl() {
        return "http://localhost:" + managementPort;
    }

    public MailCatcher mail() {
        return mail;
    }

    public Path log() {
        return log;
    }

    public Duration startup() {
        return startup;
    }

    public List<String> logLines() {
        try {
            return Files.readAllLines(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void stop() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        mail.close();
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static String required(String property) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("System property " + property + " is not set: run the tests through Maven (mvn verify).");
        }
        return v;
    }
}
