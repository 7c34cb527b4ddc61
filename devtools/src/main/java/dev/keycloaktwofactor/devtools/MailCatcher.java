package dev.keycloaktwofactor.devtools;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A development mail server: SMTP on one port (no TLS, no authentication, every recipient accepted,
 * nothing ever relayed), and a browser inbox over HTTP on another.
 *
 * <p>From a shell: {@code java -jar devtools/target/keycloak-twofactor-devtools.jar [--host 127.0.0.1]
 * [--smtp-port 1025] [--http-port 8025]}; it prints the URLs and runs until killed.
 *
 * <p>From a test:
 * <pre>{@code
 * try (MailCatcher mail = MailCatcher.start("127.0.0.1", 0, -1)) {   // free SMTP port, no HTTP inbox
 *     ... point the realm's SMTP at 127.0.0.1:mail.smtpPort() ...
 *     CaughtMail code = mail.awaitMessageTo("employee@example.org", Duration.ofSeconds(20));
 * }
 * }</pre>
 *
 * <p>HTTP inbox: {@code GET /} (newest first), {@code GET /messages/{id}}, {@code POST /clear},
 * {@code GET /api/messages} (JSON array, newest first: {@code id, to, from, subject, receivedAt, text, html}),
 * {@code GET /api/messages/{id}}, {@code DELETE /api/messages}.
 */
public final class MailCatcher implements AutoCloseable {

    /** A caught message plus what only the inbox pages need. */
    record Entry(int id, CaughtMail mail, List<String[]> headers) {
    }

    private final String host;
    private final GreenMail greenMail;
    private volatile InboxHttp http;

    private final Object lock = new Object();
    private final List<Entry> entries = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();
    private final Map<String, Integer> awaitedUpTo = new HashMap<>();
    private int nextId = 1;

    private MailCatcher(String host, GreenMail greenMail) {
        this.host = host;
        this.greenMail = greenMail;
    }

    /** Loopback, a free SMTP port, a free HTTP port. */
    public static MailCatcher start() {
        return start("127.0.0.1", 0, 0);
    }

    /**
     * Starts the catcher.
     *
     * @param host     the address to listen on, e.g. {@code 127.0.0.1}
     * @param smtpPort the SMTP port; 0 picks a free one (see {@link #smtpPort()})
     * @param httpPort the inbox port; 0 picks a free one, -1 starts no HTTP inbox
     * @throws IllegalStateException if a port cannot be bound
     */
    public static MailCatcher start(String host, int smtpPort, int httpPort) {
        if (smtpPort != 0) {
            ensureFree(host, smtpPort, "SMTP");
        }
        ServerSetup setup = new ServerSetup(smtpPort, host, ServerSetup.PROTOCOL_SMTP);
        if (smtpPort == 0) {
            setup = setup.dynamicPort();
        }
        GreenMail greenMail = new GreenMail(setup)
                .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        greenMail.start();
        MailCatcher catcher = new MailCatcher(host, greenMail);
        if (httpPort < 0) {
            return catcher;
        }
        try {
            catcher.http = InboxHttp.start(catcher, host, httpPort);
            return catcher;
        } catch (IOException | RuntimeException e) {
            greenMail.stop();
            throw new IllegalStateException("Cannot open the inbox on " + host + ":" + httpPort + ": " + e, e);
        }
    }

    /** GreenMail reports a busy port only after a timeout and with a stack trace; ask first. */
    private static void ensureFree(String host, int port, String what) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IllegalStateException(what + " port " + port + " on " + host + " is not available (" + e.getMessage() + ")", e);
        }
    }

    public String host() {
        return host;
    }

    /** The SMTP port actually listened on. */
    public int smtpPort() {
        return greenMail.getSmtp().getPort();
    }

    /** The HTTP inbox port actually listened on, or -1 without an inbox. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** The inbox URL, e.g. {@code http://127.0.0.1:8025/}, or null without an inbox. */
    public String inboxUrl() {
        return http == null ? null : "http://" + urlHost(host) + ":" + httpPort() + "/";
    }

    /** Every message caught since the start or the last {@link #clear()}, oldest first. */
    public List<CaughtMail> messages() {
        return entries().stream().map(Entry::mail).collect(Collectors.toUnmodifiableList());
    }

    /**
     * Waits for mail to {@code address} (case-insensitive, envelope recipient) that no earlier call for the
     * same address returned, and returns the newest such message. Every older message to that address
     * counts as returned too, so the next call waits for a genuinely new one (a resent code, say).
     *
     * @throws IllegalStateException if none arrives within {@code timeout}
     */
    public CaughtMail awaitMessageTo(String address, Duration timeout) {
        String key = address.trim().toLowerCase(Locale.ROOT);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            synchronized (lock) {
                int after = awaitedUpTo.getOrDefault(key, 0);
                Optional<Entry> newest = sync().stream()
                        .filter(e -> e.id() > after && e.mail().to().equalsIgnoreCase(key))
                        .max(Comparator.comparingInt(Entry::id));
                if (newest.isPresent()) {
                    awaitedUpTo.put(key, newest.get().id());
                    return newest.get().mail();
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                String seenSoFar = entries().stream()
                        .map(e -> e.mail().to() + " \"" + e.mail().subject() + "\"")
                        .collect(Collectors.joining(", ", "[", "]"));
                throw new IllegalStateException("No new mail to " + address + " within " + timeout
                        + "; caught so far: " + seenSoFar);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for mail to " + address, e);
            }
        }
    }

    /** Forgets every caught message. */
    public void clear() {
        synchronized (lock) {
            try {
                greenMail.purgeEmailFromAllMailboxes();
            } catch (FolderException e) {
                throw new IllegalStateException(e);
            }
            entries.clear();
            seen.clear();
        }
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop();
        }
        greenMail.stop();
    }

    /** Oldest first, with inbox ids. */
    List<Entry> entries() {
        synchronized (lock) {
            return sync();
        }
    }

    Optional<Entry> entry(int id) {
        return entries().stream().filter(e -> e.id() == id).findFirst();
    }

    /** Picks up what GreenMail delivered since the last look. Caller holds {@link #lock}. */
    private List<Entry> sync() {
        ImapHostManager imap = greenMail.getManagers().getImapHostManager();
        record Fresh(String to, StoredMessage message) {
        }
        List<Fresh> fresh = new ArrayList<>();
        for (GreenMailUser user : greenMail.getUserManager().listUser()) {
            List<StoredMessage> inbox;
            try {
                // GreenMail answers a live view of the inbox that its SMTP threads append to (codes are sent off the
                // request path, so one may arrive right now): a copy, never the view itself, is walked
                inbox = new ArrayList<>(imap.getInbox(user).getMessages());
            } catch (FolderException e) {
                continue;
            }
            for (StoredMessage message : inbox) {
                if (message != null && seen.add(user.getEmail() + '\u0000' + message.getUid())) {
                    fresh.add(new Fresh(user.getEmail(), message));
                }
            }
        }
        fresh.sort(Comparator.comparing((Fresh f) -> f.message().getReceivedDate())
                .thenComparingLong(f -> f.message().getUid()));
        for (Fresh f : fresh) {
            entries.add(toEntry(nextId++, f.to(), f.message()));
        }
        return List.copyOf(entries);
    }

    private static Entry toEntry(int id, String to, StoredMessage stored) {
        Instant receivedAt = stored.getReceivedDate() != null ? stored.getReceivedDate().toInstant() : Instant.now();
        MimeMessage message = stored.getMimeMessage();
        String from = "";
        String subject = "";
        String text = null;
        String html = null;
        try {
            Address[] fromAddresses = message.getFrom();
            if (fromAddresses != null) {
                from = java.util.Arrays.stream(fromAddresses)
                        .map(a -> a instanceof InternetAddress ia ? ia.toUnicodeString() : a.toString())
                        .collect(Collectors.joining(", "));
            }
            subject = Optional.ofNullable(message.getSubject()).orElse("");
            MimeBodies bodies = MimeBodies.of(message);
            text = bodies.text;
            html = bodies.html;
        } catch (Exception e) {
            text = (text == null ? "" : text + "\n") + "[mail catcher could not read this message: " + e + "]";
        }
        return new Entry(id, new CaughtMail(to, from, subject, text, html, receivedAt), MimeBodies.headers(message));
    }

    static String urlHost(String host) {
        if (host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            return "localhost";
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    // ---------------------------------------------------------------------------------------- command line

    private static final String USAGE = """
            Usage: java -jar keycloak-twofactor-devtools.jar [--host 127.0.0.1] [--smtp-port 1025] [--http-port 8025] [--quiet]
              A development mail catcher: SMTP without TLS or authentication that accepts every recipient and
              relays nothing, plus a browser inbox. --http-port -1 disables the inbox; 0 picks free ports.
              --quiet: do not print a line for each message caught. Runs until killed (Ctrl+C).""";

    public static void main(String[] args) throws InterruptedException {
        String host = "127.0.0.1";
        int smtpPort = 1025;
        int httpPort = 8025;
        boolean quiet = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--host" -> host = args[++i];
                    case "--smtp-port" -> smtpPort = Integer.parseInt(args[++i]);
                    case "--http-port" -> httpPort = Integer.parseInt(args[++i]);
                    case "--quiet" -> quiet = true;
                    case "-h", "--help" -> {
                        System.out.println(USAGE);
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("mail-catcher: " + (e instanceof ArrayIndexOutOfBoundsException
                    ? "an option lacks its value" : e.getMessage()));
            System.err.println(USAGE);
            System.exit(2);
        }

        silenceSlf4jStartupWarning();
        MailCatcher catcher;
        try {
            catcher = start(host, smtpPort, httpPort);
        } catch (RuntimeException e) {
            System.err.println("mail-catcher: cannot start: " + e.getMessage()
                    + ". Is another mail catcher already running?");
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        ScheduledExecutorService announcer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mail-catcher-announcer");
            t.setDaemon(true);
            return t;
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            announcer.shutdownNow();
            catcher.close();
            stopped.countDown();
        }, "mail-catcher-shutdown"));

        System.out.println("[mail-catcher] SMTP  " + host + ":" + catcher.smtpPort()
                + "  (no TLS, no authentication, every recipient accepted, nothing relayed)");
        if (catcher.inboxUrl() != null) {
            System.out.println("[mail-catcher] Inbox " + catcher.inboxUrl());
        }
        if (!quiet) {
            int[] announced = {0};
            DateTimeFormatter time = DateTimeFormatter.ofPattern("HH:mm:ss");
            announcer.scheduleWithFixedDelay(() -> {
                try {
                    for (Entry e : catcher.entries()) {
                        if (e.id() > announced[0]) {
                            announced[0] = e.id();
                            String link = catcher.inboxUrl() == null ? "" : "  " + catcher.inboxUrl() + "messages/" + e.id();
                            System.out.println("[mail-catcher] " + LocalTime.ofInstant(e.mail().receivedAt(),
                                    ZoneId.systemDefault()).format(time) + " mail to " + e.mail().to() + ": \""
                                    + e.mail().subject() + "\"" + link);
                        }
                    }
                } catch (RuntimeException ignored) {
                    // keep announcing
                }
            }, 500, 500, TimeUnit.MILLISECONDS);
        }
        stopped.await();
    }

    /** SLF4J 1.7 without a binding prints a three-line warning; nobody running the catcher needs it. */
    private static void silenceSlf4jStartupWarning() {
        PrintStream err = System.err;
        try {
            System.setErr(new PrintStream(OutputStream.nullOutputStream()));
            org.slf4j.LoggerFactory.getILoggerFactory();
        } catch (RuntimeException | LinkageError ignored) {
            // logging stays as it is
        } finally {
            System.setErr(err);
        }
    }
}
