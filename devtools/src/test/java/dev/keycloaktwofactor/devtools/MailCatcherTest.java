package dev.keycloaktwofactor.devtools;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MailCatcherTest {

    private static final String LONG_LINE = "Grüße aus Köln – this line is long enough that quoted-printable must wrap it "
            + "with a soft line break somewhere in the middle of all of these words.";
    private static final String TEXT = "Your login code is 482913.\n" + LONG_LINE
            + "\nVerify: http://localhost:8080/realms/demo/login-actions/action-token?key=abc.def&client_id=account\n";
    private static final String HTML = "<html><body><p class=\"x\">Your login code is <b>482913</b>.</p>"
            + "<p>Grüße &amp; \"quotes\"</p><script>alert('no')</script>"
            + "<a href=\"http://localhost:8080/realms/demo/login-actions/action-token?key=abc.def&amp;client_id=account\">Verify</a>"
            + "</body></html>";

    private MailCatcher catcher;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        catcher = MailCatcher.start("127.0.0.1", 0, 0);
    }

    @AfterEach
    void stop() {
        catcher.close();
    }

    @Test
    void catchesMultipartAlternativeWithQuotedPrintableAndBase64() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        send("Employee@Example.org", "Ihr Anmeldecode – 482913", TEXT, HTML);

        CaughtMail mail = catcher.awaitMessageTo("employee@example.org", Duration.ofSeconds(10));
        assertThat(mail.to()).isEqualToIgnoringCase("employee@example.org");
        assertThat(mail.from()).isEqualTo("Keycloak Demo <noreply@example.org>");
        assertThat(mail.subject()).isEqualTo("Ihr Anmeldecode – 482913");
        assertThat(mail.text()).isEqualTo(TEXT);
        assertThat(mail.html()).isEqualTo(HTML);
        assertThat(mail.receivedAt()).isAfter(before).isBeforeOrEqualTo(Instant.now());
        assertThat(mail.body()).contains("482913");
        assertThat(mail.links()).containsExactly(
                "http://localhost:8080/realms/demo/login-actions/action-token?key=abc.def&client_id=account");
        assertThat(catcher.messages()).containsExactly(mail);
    }

    @Test
    void awaitReturnsTheNewestUnseenMessageAndThenWaitsForANewOne() throws Exception {
        send("agent@example.org", "code 1", "first", null);
        send("agent@example.org", "code 2", "second", null);
        send("other@example.org", "not for agent", "x", null);
        waitForCount(3);

        assertThat(catcher.awaitMessageTo("agent@example.org", Duration.ofSeconds(5)).subject()).isEqualTo("code 2");
        assertThatThrownBy(() -> catcher.awaitMessageTo("agent@example.org", Duration.ofMillis(300)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No new mail to agent@example.org");

        send("agent@example.org", "code 3", "third", null);
        CaughtMail third = catcher.awaitMessageTo("AGENT@example.org", Duration.ofSeconds(5));
        assertThat(third.subject()).isEqualTo("code 3");
        assertThat(third.text()).isEqualTo("third");
        assertThat(third.html()).isNull();

        assertThat(catcher.messages()).extracting(CaughtMail::subject)
                .containsExactly("code 1", "code 2", "not for agent", "code 3");

        catcher.clear();
        assertThat(catcher.messages()).isEmpty();
        send("agent@example.org", "after clear", "fourth", null);
        assertThat(catcher.awaitMessageTo("agent@example.org", Duration.ofSeconds(5)).subject()).isEqualTo("after clear");
    }

    @Test
    void inboxPagesAndJsonApi() throws Exception {
        send("employee@example.org", "Ihr Anmeldecode – 482913", TEXT, HTML);
        send("agent@example.org", "Second <message>", "plain only", null);
        waitForCount(2);

        HttpResponse<String> list = get("/");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(list.body())
                .contains("Ihr Anmeldecode – 482913", "employee@example.org", "href=\"/messages/1\"",
                        "href=\"/messages/2\"", "Second &lt;message&gt;", "action=\"/clear\"")
                .doesNotContain("<script", "http://", "https://");
        assertThat(list.body().indexOf("/messages/2")).isLessThan(list.body().indexOf("/messages/1"));

        HttpResponse<String> page = get("/messages/1");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("<pre>Your login code is 482913.\n", "Grüße aus Köln")
                .contains("<iframe title=\"HTML part\" sandbox=\"allow-popups allow-popups-to-escape-sandbox\"")
                .contains("srcdoc=\"&lt;base target=&quot;_blank&quot;&gt;&lt;html&gt;&lt;body&gt;&lt;p class=&quot;x&quot;&gt;")
                .contains("Grüße &amp;amp; &quot;quotes&quot;", "&lt;script&gt;alert(&#39;no&#39;)")
                .contains("Content-Type", "multipart/alternative", "Subject</dt><dd>Ihr Anmeldecode – 482913")
                .doesNotContain("<script");
        assertThat(get("/messages/99").statusCode()).isEqualTo(404);

        HttpResponse<String> api = get("/api/messages");
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(api.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        String json = api.body();
        assertThat(json).startsWith("[{\"id\":2,\"to\":\"agent@example.org\"").endsWith("}]")
                .contains("\"subject\":\"Second <message>\"", "\"text\":\"plain only\",\"html\":null")
                .contains("{\"id\":1,\"to\":\"employee@example.org\",\"from\":\"Keycloak Demo <noreply@example.org>\","
                        + "\"subject\":\"Ihr Anmeldecode – 482913\",\"receivedAt\":\"")
                .contains("\"text\":\"Your login code is 482913.\\n")
                .contains("\"html\":\"<html><body><p class=\\\"x\\\">Your login code is <b>482913</b>.</p>");
        assertThat(get("/api/messages/1").body()).startsWith("{\"id\":1,");

        HttpResponse<String> cleared = http.send(HttpRequest.newBuilder(uri("/clear"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(cleared.statusCode()).isEqualTo(303);
        assertThat(cleared.headers().firstValue("Location")).hasValue("/");
        assertThat(catcher.messages()).isEmpty();
        assertThat(get("/api/messages").body()).isEqualTo("[]");
        assertThat(get("/").body()).contains("No mail yet");
        assertThat(http.send(HttpRequest.newBuilder(uri("/clear")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
    }

    @Test
    void canRunWithoutInbox() {
        try (MailCatcher smtpOnly = MailCatcher.start("127.0.0.1", 0, -1)) {
            assertThat(smtpOnly.smtpPort()).isPositive().isNotEqualTo(catcher.smtpPort());
            assertThat(smtpOnly.httpPort()).isEqualTo(-1);
            assertThat(smtpOnly.inboxUrl()).isNull();
        }
        assertThat(catcher.inboxUrl()).isEqualTo("http://127.0.0.1:" + catcher.httpPort() + "/");
    }

    private void send(String to, String subject, String text, String html) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(catcher.smtpPort()));
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("noreply@example.org", "Keycloak Demo", "UTF-8"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject, "UTF-8");
        if (html == null) {
            message.setText(text, "UTF-8");
        } else {
            // what Keycloak sends: multipart/alternative, text first
            MimeBodyPart textPart = new MimeBodyPart();
            textPart.setText(text, "UTF-8");
            textPart.setHeader("Content-Transfer-Encoding", "quoted-printable");
            MimeBodyPart htmlPart = new MimeBodyPart();
            htmlPart.setContent(html, "text/html; charset=UTF-8");
            htmlPart.setHeader("Content-Transfer-Encoding", "base64");
            MimeMultipart alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(textPart);
            alternative.addBodyPart(htmlPart);
            message.setContent(alternative);
        }
        message.saveChanges();
        if (html != null) {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            message.writeTo(raw);
            assertThat(raw.toString(StandardCharsets.US_ASCII))
                    .contains("Content-Transfer-Encoding: quoted-printable", "Content-Transfer-Encoding: base64")
                    .doesNotContain("482913</b>");
        }
        Transport.send(message);
    }

    private void waitForCount(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (catcher.messages().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(catcher.messages()).hasSize(count);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + catcher.httpPort() + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

}
