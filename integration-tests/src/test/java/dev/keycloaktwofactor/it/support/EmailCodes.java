package dev.keycloaktwofactor.it.support;

import dev.keycloaktwofactor.devtools.CaughtMail;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the codes our emails carry, from the suite's SMTP server. */
public final class EmailCodes {

    private static final Pattern CODE = Pattern.compile("(?m)^\\s*(\\d{6,10})\\s*$");

    private EmailCodes() {
    }

    public static CaughtMail next(TestRealm realm, String username) {
        return realm.mail().awaitMessageTo(realm.email(username), Duration.ofSeconds(20));
    }

    public static String code(CaughtMail mail) {
        Matcher m = CODE.matcher(mail.text());
        if (!m.find()) {
            throw new AssertionError("No code line in: " + mail.text());
        }
        return m.group(1);
    }

    /** The code of the next email to {@code username}: what a user reads and types. */
    public static String nextCode(TestRealm realm, String username) {
        return code(next(realm, username));
    }

    public static long count(TestRealm realm, String username) {
        return realm.mail().messages().stream().filter(m -> m.to().equalsIgnoreCase(realm.email(username))).count();
    }
}
