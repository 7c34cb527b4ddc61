package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.devtools.CaughtMail;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the codes our emails carry, from the suite's SMTP server. */
final class EmailCodes {

    private static final Pattern CODE = Pattern.compile("(?m)^\\s*(\\d{6,10})\\s*$");

    private EmailCodes() {
    }

    static CaughtMail next(TestRealm realm, String username) {
        return realm.mail().awaitMessageTo(realm.email(username), Duration.ofSeconds(20));
    }

    static String code(CaughtMail mail) {
        Matcher m = CODE.matcher(mail.text());
        if (!m.find()) {
            throw new AssertionError("No code line in: " + mail.text());
        }
        return m.group(1);
    }

    static long count(TestRealm realm, String username) {
        return realm.mail().messages().stream().filter(m -> m.to().equalsIgnoreCase(realm.email(username))).count();
    }
}
