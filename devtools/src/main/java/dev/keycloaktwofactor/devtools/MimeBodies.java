package dev.keycloaktwofactor.devtools;

import jakarta.mail.BodyPart;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/** Reads the first text/plain and text/html bodies out of a (possibly nested multipart) MIME message. */
final class MimeBodies {

    String text;
    String html;

    private MimeBodies() {
    }

    static MimeBodies of(Part message) throws MessagingException, IOException {
        MimeBodies bodies = new MimeBodies();
        bodies.walk(message, 0);
        return bodies;
    }

    private void walk(Part part, int depth) throws MessagingException, IOException {
        if (depth > 20 || Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
            return;
        }
        if (part.isMimeType("multipart/*")) {
            Object content = part.getContent();
            if (content instanceof Multipart multipart) {
                for (int i = 0; i < multipart.getCount(); i++) {
                    BodyPart child = multipart.getBodyPart(i);
                    walk(child, depth + 1);
                }
            }
        } else if (part.isMimeType("text/plain")) {
            if (text == null) {
                text = normalise(asString(part));
            }
        } else if (part.isMimeType("text/html")) {
            if (html == null) {
                html = normalise(asString(part));
            }
        }
    }

    /** getContent() decodes quoted-printable / base64 and the charset; falls back to raw decoding. */
    private static String asString(Part part) throws MessagingException, IOException {
        Object content = part.getContent();
        if (content instanceof String s) {
            return s;
        }
        Charset charset = StandardCharsets.UTF_8;
        try {
            String name = new ContentType(part.getContentType()).getParameter("charset");
            if (name != null) {
                charset = Charset.forName(MimeUtility.javaCharset(name));
            }
        } catch (RuntimeException | MessagingException ignored) {
            // keep UTF-8
        }
        try (InputStream in = part.getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(charset);
        }
    }

    private static String normalise(String s) {
        return s == null ? null : s.replace("\r\n", "\n");
    }

    /** Every header of the message as [name, decoded value], in order. */
    static List<String[]> headers(MimeMessage message) {
        List<String[]> headers = new ArrayList<>();
        try {
            Enumeration<Header> all = message.getAllHeaders();
            while (all.hasMoreElements()) {
                Header h = all.nextElement();
                headers.add(new String[] {h.getName(), decode(h.getValue())});
            }
        } catch (MessagingException e) {
            headers.add(new String[] {"X-Mail-Catcher-Error", String.valueOf(e)});
        }
        return headers;
    }

    static String decode(String value) {
        if (value == null) {
            return "";
        }
        String unfolded = MimeUtility.unfold(value).replaceAll("[ \\t]+", " ");
        try {
            return MimeUtility.decodeText(unfolded);
        } catch (UnsupportedEncodingException | RuntimeException e) {
            return unfolded;
        }
    }
}
