package dev.keycloaktwofactor.devtools;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The browser inbox and its JSON API, on the JDK's own HTTP server. Self-contained pages: no JS, no CDN. */
final class InboxHttp {

    private static final Pattern MESSAGE_PAGE = Pattern.compile("/messages/(\\d{1,9})/?");
    private static final Pattern MESSAGE_JSON = Pattern.compile("/api/messages/(\\d{1,9})/?");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9}
            header{background:#23324a;color:#fff;padding:.8rem 1.5rem;display:flex;align-items:center;gap:1rem}
            header h1{font-size:1.15rem;margin:0;flex:1}header a{color:#fff}
            main{padding:1rem 1.5rem;max-width:80rem}
            table{border-collapse:collapse;width:100%;background:#fff}
            th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid #dde1e6;vertical-align:top}
            th{background:#eef1f4;font-weight:600}
            td.time{white-space:nowrap;color:#555}
            a{color:#0b57d0}
            button{font:inherit;padding:.3rem .9rem;cursor:pointer}
            pre{background:#fff;border:1px solid #dde1e6;padding:.8rem;white-space:pre-wrap;word-break:break-word}
            iframe{width:100%;height:40rem;border:1px solid #dde1e6;background:#fff}
            dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;background:#fff;padding:.8rem;border:1px solid #dde1e6}
            dt{font-weight:600}dd{margin:0;word-break:break-word}
            .muted{color:#666}
            """;

    private final MailCatcher catcher;
    private final HttpServer server;
    private final ExecutorService executor;

    private InboxHttp(MailCatcher catcher, HttpServer server, ExecutorService executor) {
        this.catcher = catcher;
        this.server = server;
        this.executor = executor;
    }

    static InboxHttp start(MailCatcher catcher, String host, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "mail-catcher-http");
            t.setDaemon(true);
            return t;
        });
        InboxHttp inbox = new InboxHttp(catcher, server, executor);
        server.createContext("/", inbox::handle);
        server.setExecutor(executor);
        server.start();
        return inbox;
    }

    int port() {
        return server.getAddress().getPort();
    }

    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            body.transferTo(OutputStream.nullOutputStream());
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            Matcher page = MESSAGE_PAGE.matcher(path);
            Matcher json = MESSAGE_JSON.matcher(path);
            if (path.equals("/") || path.equals("/index.html")) {
                if (requireMethod(exchange, "GET")) {
                    send(exchange, 200, "text/html", listPage());
                }
            } else if (page.matches()) {
                if (requireMethod(exchange, "GET")) {
                    Optional<MailCatcher.Entry> entry = catcher.entry(Integer.parseInt(page.group(1)));
                    if (entry.isPresent()) {
                        send(exchange, 200, "text/html", messagePage(entry.get()));
                    } else {
                        send(exchange, 404, "text/html", notFoundPage());
                    }
                }
            } else if (path.equals("/clear")) {
                if (requireMethod(exchange, "POST")) {
                    catcher.clear();
                    exchange.getResponseHeaders().set("Location", "/");
                    exchange.sendResponseHeaders(303, -1);
                }
            } else if (path.equals("/api/messages") || path.equals("/api/messages/")) {
                if (method.equals("DELETE")) {
                    catcher.clear();
                    exchange.sendResponseHeaders(204, -1);
                } else if (requireMethod(exchange, "GET")) {
                    List<MailCatcher.Entry> entries = new ArrayList<>(catcher.entries());
                    StringBuilder b = new StringBuilder("[");
                    for (int i = entries.size() - 1; i >= 0; i--) {
                        b.append(toJson(entries.get(i))).append(i > 0 ? "," : "");
                    }
                    send(exchange, 200, "application/json", b.append(']').toString());
                }
            } else if (json.matches()) {
                if (requireMethod(exchange, "GET")) {
                    Optional<MailCatcher.Entry> entry = catcher.entry(Integer.parseInt(json.group(1)));
                    if (entry.isPresent()) {
                        send(exchange, 200, "application/json", toJson(entry.get()));
                    } else {
                        send(exchange, 404, "application/json", "{\"error\":\"no such message\"}");
                    }
                }
            } else if (path.equals("/favicon.ico")) {
                exchange.sendResponseHeaders(204, -1);
            } else {
                send(exchange, 404, "text/html", notFoundPage());
            }
        } catch (RuntimeException e) {
            // the exchange is closed by try-with-resources; answer if nothing was sent yet
            try {
                send(exchange, 500, "text/plain", "mail catcher error: " + e);
            } catch (IOException | RuntimeException ignored) {
                // headers already sent
            }
        }
    }

    private static boolean requireMethod(HttpExchange exchange, String method) throws IOException {
        if (exchange.getRequestMethod().equals(method)) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", method);
        send(exchange, 405, "text/plain", "method not allowed");
        return false;
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static String toJson(MailCatcher.Entry e) {
        CaughtMail m = e.mail();
        return "{\"id\":" + e.id()
                + ",\"to\":" + Escape.json(m.to())
                + ",\"from\":" + Escape.json(m.from())
                + ",\"subject\":" + Escape.json(m.subject())
                + ",\"receivedAt\":" + Escape.json(m.receivedAt().toString())
                + ",\"text\":" + Escape.json(m.text())
                + ",\"html\":" + Escape.json(m.html())
                + "}";
    }

    private String layout(String title, String refresh, String content) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + refresh
                + "<title>" + Escape.html(title) + "</title><style>" + STYLE + "</style></head><body>"
                + "<header><h1><a href=\"/\">Mail catcher</a></h1>"
                + "<span class=\"muted\" style=\"color:#cfd8e3\">SMTP " + Escape.html(catcher.host()) + ":"
                + catcher.smtpPort() + "</span>"
                + "<form method=\"post\" action=\"/clear\"><button type=\"submit\">Clear</button></form></header>"
                + "<main>" + content + "</main></body></html>";
    }

    private String listPage() {
        List<MailCatcher.Entry> entries = catcher.entries();
        StringBuilder b = new StringBuilder();
        if (entries.isEmpty()) {
            b.append("<p>No mail yet. Send mail over SMTP to <code>").append(Escape.html(catcher.host()))
                    .append(':').append(catcher.smtpPort())
                    .append("</code>; this page reloads every 5 seconds.</p>");
        } else {
            b.append("<p class=\"muted\">").append(entries.size()).append(entries.size() == 1 ? " message" : " messages")
                    .append(", newest first; this page reloads every 5 seconds.</p>");
            b.append("<table><thead><tr><th>#</th><th>Received</th><th>To</th><th>From</th><th>Subject</th></tr></thead><tbody>");
            for (int i = entries.size() - 1; i >= 0; i--) {
                MailCatcher.Entry e = entries.get(i);
                String href = "/messages/" + e.id();
                String subject = e.mail().subject().isBlank() ? "(no subject)" : e.mail().subject();
                b.append("<tr><td>").append(e.id())
                        .append("</td><td class=\"time\">").append(TIME.format(e.mail().receivedAt()))
                        .append("</td><td>").append(Escape.html(e.mail().to()))
                        .append("</td><td>").append(Escape.html(e.mail().from()))
                        .append("</td><td><a href=\"").append(href).append("\">").append(Escape.html(subject))
                        .append("</a></td></tr>");
            }
            b.append("</tbody></table>");
        }
        return layout("Mail catcher", "<meta http-equiv=\"refresh\" content=\"5\">", b.toString());
    }

    private String messagePage(MailCatcher.Entry e) {
        CaughtMail m = e.mail();
        StringBuilder b = new StringBuilder();
        b.append("<p><a href=\"/\">&larr; All messages</a> &middot; <a href=\"/api/messages/").append(e.id())
                .append("\">JSON</a></p>");
        b.append("<h2>").append(Escape.html(m.subject().isBlank() ? "(no subject)" : m.subject())).append("</h2>");
        b.append("<dl><dt>To (envelope)</dt><dd>").append(Escape.html(m.to())).append("</dd>")
                .append("<dt>Caught at</dt><dd>").append(TIME.format(m.receivedAt())).append("</dd>");
        for (String[] header : e.headers()) {
            b.append("<dt>").append(Escape.html(header[0])).append("</dt><dd>").append(Escape.html(header[1]))
                    .append("</dd>");
        }
        b.append("</dl>");

        List<String> links = m.links();
        if (!links.isEmpty()) {
            b.append("<h3>Links</h3><ul>");
            for (String link : links) {
                b.append("<li><a href=\"").append(Escape.html(link))
                        .append("\" target=\"_blank\" rel=\"noopener noreferrer\">").append(Escape.html(link))
                        .append("</a></li>");
            }
            b.append("</ul>");
        }
        b.append("<h3>Plain text</h3>");
        b.append(m.text() == null ? "<p class=\"muted\">(no text/plain part)</p>"
                : "<pre>" + Escape.html(m.text()) + "</pre>");
        b.append("<h3>HTML</h3>");
        if (m.html() == null) {
            b.append("<p class=\"muted\">(no text/html part)</p>");
        } else {
            // No allow-scripts, no allow-same-origin: the mail cannot run code or touch this page.
            // Links open in a new tab (Keycloak pages refuse to be framed).
            String document = "<base target=\"_blank\">" + m.html();
            b.append("<iframe title=\"HTML part\" sandbox=\"allow-popups allow-popups-to-escape-sandbox\" "
                    + "referrerpolicy=\"no-referrer\" srcdoc=\"").append(Escape.html(document)).append("\"></iframe>");
        }
        return layout(m.subject() + " - Mail catcher", "", b.toString());
    }

    private String notFoundPage() {
        return layout("Not found - Mail catcher", "",
                "<p>No such message (it may have been cleared). <a href=\"/\">All messages</a></p>");
    }
}
