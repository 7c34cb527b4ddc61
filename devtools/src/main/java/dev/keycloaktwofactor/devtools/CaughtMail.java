package dev.keycloaktwofactor.devtools;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One message as the {@link MailCatcher} received it.
 *
 * @param to         the envelope recipient this copy was delivered to (a message to two people is caught twice)
 * @param from       the decoded {@code From} header, e.g. {@code Keycloak <noreply@example.org>}; "" if absent
 * @param subject    the decoded subject; "" if absent
 * @param text       the decoded {@code text/plain} part (line ends normalised to {@code \n}); null if none
 * @param html       the decoded {@code text/html} part (line ends normalised to {@code \n}); null if none
 * @param receivedAt when the catcher received it
 */
public record CaughtMail(String to, String from, String subject, String text, String html, Instant receivedAt) {

    private static final Pattern TEXT_URL = Pattern.compile("https?://[^\\s<>\"'\\])]+");
    private static final Pattern HTML_HREF = Pattern.compile("href\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)')",
            Pattern.CASE_INSENSITIVE);

    /** The plain-text part if there is one, else the HTML part with its tags stripped; never null. */
    public String body() {
        if (text != null) {
            return text;
        }
        if (html != null) {
            return Escape.unescapeHtml(html.replaceAll("(?is)<(script|style)[^>]*>.*?</\\1>", "")
                    .replaceAll("<[^>]*>", " ")).replaceAll("[ \\t]+", " ").trim();
        }
        return "";
    }

    /** Every distinct http(s) link in the message, from the text part and the HTML hrefs, in order. */
    public List<String> links() {
        Set<String> links = new LinkedHashSet<>();
        if (text != null) {
            Matcher m = TEXT_URL.matcher(text);
            while (m.find()) {
                links.add(trimTrailingPunctuation(m.group()));
            }
        }
        if (html != null) {
            Matcher m = HTML_HREF.matcher(html);
            while (m.find()) {
                String href = Escape.unescapeHtml(m.group(1) != null ? m.group(1) : m.group(2)).trim();
                if (href.startsWith("http://") || href.startsWith("https://")) {
                    links.add(href);
                }
            }
        }
        return new ArrayList<>(links);
    }

    private static String trimTrailingPunctuation(String url) {
        int end = url.length();
        while (end > 0 && ".,;:!?".indexOf(url.charAt(end - 1)) >= 0) {
            end--;
        }
        return url.substring(0, end);
    }
}
