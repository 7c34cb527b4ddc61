package dev.keycloaktwofactor.it.support;

import dev.keycloaktwofactor.devtools.MailCatcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * ONE stock Keycloak for the whole test JVM, started from the distribution that Maven unpacked (26.7.3 for the whole
 * suite; 26.4.7 and 26.5.6 for the smoke set, each in its own failsafe execution), with the built provider JAR copied
 * into {@code providers/}, a real SMTP server on loopback and the SMS gateway options the tests need.
 * Ports are picked free at start so that a developer's own Keycloak on 8080 does not get in the way. The process
 * itself (start, readiness, log, stop) is a {@link KeycloakProcess}, as each node of {@link ClusterServer} is.
 */
public final class KeycloakServer {

    public static final String ADMIN_USER = KeycloakProcess.ADMIN_USER;
    public static final String ADMIN_PASSWORD = KeycloakProcess.ADMIN_PASSWORD;

    /** The Keycloak release under test (the distribution failsafe points {@code keycloak.home} at). */
    public static final String VERSION = System.getProperty("keycloak.version", "26.7.3");
    /**
     * Set by the execution that shows the refusal on an unsupported release: the server then runs with the JAR's test
     * hook that makes it believe it is this version.
     */
    public static final String PRETENDED_VERSION = System.getProperty("twofactor.it.pretend-version", "");

    private static KeycloakServer instance;

    private final KeycloakProcess process;
    private final MailCatcher mail;
    private final Duration startup;

    private KeycloakServer(KeycloakProcess process, MailCatcher mail, Duration startup) {
        this.process = process;
        this.mail = mail;
        this.startup = startup;
    }

    public static synchronized KeycloakServer get() {
        if (instance == null) {
            instance = KeycloakProcess.startForThisJvm(KeycloakServer::start, KeycloakServer::stop, "keycloak-stop");
        }
        return instance;
    }

    private static KeycloakServer start() throws IOException, InterruptedException {
        Path home = Paths.get(KeycloakProcess.required("keycloak.home"));
        Path jar = Paths.get(KeycloakProcess.required("twofactor.jar"));
        Path output = Paths.get(System.getProperty("twofactor.it.output", "target"));
        KeycloakProcess.installProvider(home, jar);

        // The demo realm is imported the way ops import a realm: files in data/import and --import-realm.
        Path imports = home.resolve("data/import");
        Files.createDirectories(imports);
        try (Stream<Path> realms = Files.list(Paths.get(KeycloakProcess.required("twofactor.realm.config")))) {
            for (Path realm : realms.filter(p -> p.toString().endsWith(".json")).toList()) {
                Files.copy(realm, imports.resolve(realm.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }

        MailCatcher mail = MailCatcher.start("127.0.0.1", 0, -1);
        int http = KeycloakProcess.freePort();
        int management = KeycloakProcess.freePort();
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
        Map<String, String> env = PRETENDED_VERSION.isBlank() ? Map.of()
                : Map.of("JAVA_OPTS_APPEND", "-Dkeycloak-twofactor.pretend-keycloak-version=" + PRETENDED_VERSION);
        Instant begin = Instant.now();
        KeycloakProcess process = KeycloakProcess.start("Keycloak", command, env, http, management, log);
        process.awaitReady(Duration.ofMinutes(5));
        Duration took = Duration.between(begin, Instant.now());
        System.out.printf("Keycloak %s with %s ready on http://localhost:%d in %d s (log: %s)%n",
                VERSION, jar.getFileName(), http, took.toSeconds(), log);
        return new KeycloakServer(process, mail, took);
    }

    public String baseUrl() {
        return process.baseUrl();
    }

    public int httpPort() {
        return process.httpPort;
    }

    public String managementUrl() {
        return process.managementUrl();
    }

    public MailCatcher mail() {
        return mail;
    }

    public Path log() {
        return process.log;
    }

    public Duration startup() {
        return startup;
    }

    public List<String> logLines() {
        return process.logLines();
    }

    private void stop() {
        process.stop();
        mail.close();
    }
}
