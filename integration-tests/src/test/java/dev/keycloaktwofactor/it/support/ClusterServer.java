package dev.keycloaktwofactor.it.support;

import dev.keycloaktwofactor.devtools.MailCatcher;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * TWO Keycloak nodes for the cluster tests (JUnit tag "cluster", their own failsafe execution), prepared the way
 * {@code docker/Dockerfile} prepares the image: a copy of the stock distribution with the provider JAR in
 * {@code providers/}, {@code kc.sh build} with the build-time options {@link #BUILD_OPTIONS}, then each node
 * {@code start --optimized} on PostgreSQL ({@link ClusterDatabase}), HTTP on loopback, its own HTTP, management and
 * JGroups ports, the default {@code ispn} cache with {@code jdbc-ping} discovery and its own node name.
 * <p>
 * Both nodes have the same fixed {@code --hostname}, {@link #publicUrl()}: the address of a load balancer that is
 * not there. Every page, redirect and token names that address (so both nodes are one token issuer); the tests'
 * browsers send each request to node A or B as they choose ({@link #to(Node)}, {@link #alternating()}), with no
 * sticky sessions.
 */
public final class ClusterServer {

    public static final List<String> BUILD_OPTIONS = List.of(
            "--db=postgres",
            "--health-enabled=true",
            "--metrics-enabled=true",
            "--spi-twofactor-sms--provider=twilio");

    /** A node's start (a first one creates the schema) may take longer than the dev-mode server's. */
    public static final Duration READY_TIMEOUT = Duration.ofMinutes(6);

    private static ClusterServer instance;

    public final Node a;
    public final Node b;
    private final int publicPort;
    private final MailCatcher mail;
    private final ClusterDatabase db;
    private final Path home;
    private final Path output;
    public final Duration startup;

    /** One Keycloak process of the cluster, with the JGroups port it listens on. */
    public static final class Node extends KeycloakProcess {
        public final int jgroupsPort;

        Node(String name, int httpPort, int managementPort, int jgroupsPort, Path log, Process process) {
            super(name, httpPort, managementPort, log, process);
            this.jgroupsPort = jgroupsPort;
        }
    }

    private ClusterServer(Node a, Node b, int publicPort, MailCatcher mail, ClusterDatabase db, Path home, Path output,
                          Duration startup) {
        this.a = a;
        this.b = b;
        this.publicPort = publicPort;
        this.mail = mail;
        this.db = db;
        this.home = home;
        this.output = output;
        this.startup = startup;
    }

    public static synchronized ClusterServer get() {
        if (instance == null) {
            instance = KeycloakProcess.startForThisJvm(ClusterServer::start, ClusterServer::stop, "cluster-stop");
        }
        return instance;
    }

    private static ClusterServer start() throws IOException, InterruptedException {
        Instant begin = Instant.now();
        Path stock = Paths.get(KeycloakProcess.required("keycloak.home"));
        Path jar = Paths.get(KeycloakProcess.required("twofactor.jar"));
        Path output = Paths.get(System.getProperty("twofactor.it.output", "target")).resolve("cluster");
        Files.createDirectories(output);
        // kc.sh build writes into the distribution: a copy of its own, so the main suite's dev-mode server is untouched
        Path home = output.resolve(stock.getFileName());
        exec(output.resolve("copy.log"), Duration.ofMinutes(5), "rm", "-rf", home.toString());
        exec(output.resolve("copy.log"), Duration.ofMinutes(5), "cp", "-a", stock.toString(), home.toString());
        KeycloakProcess.installProvider(home, jar);
        List<String> build = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "build"));
        build.addAll(BUILD_OPTIONS);
        exec(output.resolve("build.log"), Duration.ofMinutes(10), build.toArray(String[]::new));

        ClusterDatabase db = ClusterDatabase.start(output);
        MailCatcher mail = MailCatcher.start("127.0.0.1", 0, -1);
        int publicPort = KeycloakProcess.freePort();
        // Only for the benchmark: more options for both nodes, and a cluster of one (node B is then node A)
        List<String> extra = List.of(System.getProperty("twofactor.it.cluster.options", "").trim().split("\\s+")).stream()
                .filter(o -> !o.isBlank()).toList();
        boolean single = Integer.getInteger("twofactor.it.cluster.nodes", 2) == 1;
        // A first, alone: it creates the schema and the bootstrap admin; B then joins
        Node a = startNode(home, output, "node-a", publicPort, db, extra);
        a.awaitReady(READY_TIMEOUT);
        Node b = a;
        if (!single) {
            b = startNode(home, output, "node-b", publicPort, db, extra);
            b.awaitReady(READY_TIMEOUT);
            a.awaitLog(Duration.ofMinutes(2), l -> l.contains("new cluster view") && l.contains("(2)"));
            b.awaitLog(Duration.ofMinutes(2), l -> l.contains("new cluster view") && l.contains("(2)"));
        }
        Duration took = Duration.between(begin, Instant.now());
        System.out.printf("Cluster of %s and %s (hostname http://localhost:%d) on %s ready in %d s%n",
                a, b, publicPort, db.description, took.toSeconds());
        return new ClusterServer(a, b, publicPort, mail, db, home, output, took);
    }

    /** The command line of one node; {@code extra} comes last (a test may override an option). */
    public static List<String> nodeCommand(Path home, String name, int publicPort, int http, int management, int jgroups,
                                    ClusterDatabase db, List<String> extra) {
        List<String> command = new ArrayList<>(List.of(
                home.resolve("bin/kc.sh").toString(), "start", "--optimized",
                "--hostname=http://localhost:" + publicPort,
                "--http-enabled=true",
                "--http-host=127.0.0.1",
                "--http-port=" + http,
                "--http-management-port=" + management,
                "--db-url=" + db.jdbcUrl,
                "--db-username=" + db.user,
                "--db-password=" + db.password,
                "--cache-embedded-network-bind-address=127.0.0.1",
                "--cache-embedded-network-bind-port=" + jgroups,
                "--spi-cache-embedded--default--node-name=" + name));
        // an option in extra replaces the suite's own (Keycloak would otherwise warn of a duplicated option)
        for (String option : ExtraServerOptions.get()) {
            String key = option.substring(0, option.indexOf('=') + 1);
            if (extra.stream().noneMatch(e -> e.startsWith(key))) {
                command.add(option);
            }
        }
        command.addAll(extra);
        return command;
    }

    private static Node startNode(Path home, Path output, String name, int publicPort, ClusterDatabase db, List<String> extra)
            throws IOException {
        int http = KeycloakProcess.freePort();
        int management = KeycloakProcess.freePort();
        int jgroups = jgroupsPort();
        Path log = output.resolve(name + ".log");
        Process process = KeycloakProcess.launch(nodeCommand(home, name, publicPort, http, management, jgroups, db, extra), Map.of(), log);
        return new Node(name, http, management, jgroups, log, process);
    }

    /** Starts a third process with {@code extra} options on the same build and database, for start-up checks. */
    public Node startAnother(String name, List<String> extra) throws IOException {
        return startNode(home, output, name, publicPort, db, extra);
    }

    /**
     * A free JGroups port: JGroups also listens on the port plus 50000 (failure detection, FD_SOCK2), so both must
     * be free and below 65536.
     */
    private static int jgroupsPort() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int p = 7800 + (int) (Math.random() * 7000);
            if (isFree(p) && isFree(p + 50000)) {
                return p;
            }
        }
        throw new IllegalStateException("No free JGroups port between 7800 and 14800");
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The address every node names in its pages and tokens (the load balancer's). */
    public String publicUrl() {
        return "http://localhost:" + publicPort;
    }

    public MailCatcher mail() {
        return mail;
    }

    public ClusterDatabase database() {
        return db;
    }

    /** Sends every request for the public address to {@code node}. */
    public UnaryOperator<URI> to(Node node) {
        return uri -> retarget(uri, node);
    }

    /** Sends the requests for the public address to A and B in turn: no sticky sessions. */
    public UnaryOperator<URI> alternating() {
        AtomicInteger next = new AtomicInteger();
        return uri -> retarget(uri, next.getAndIncrement() % 2 == 0 ? a : b);
    }

    private URI retarget(URI uri, Node node) {
        if (uri.getPort() != publicPort) {
            return uri;
        }
        try {
            return new URI(uri.getScheme(), uri.getUserInfo(), uri.getHost(), node.httpPort, uri.getPath(), uri.getQuery(), uri.getFragment());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private void stop() {
        b.stop();
        a.stop();
        mail.close();
        db.close();
    }

    private static void exec(Path log, Duration timeout, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " took longer than " + timeout + "; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with " + p.exitValue() + "; see " + log);
        }
    }
}
