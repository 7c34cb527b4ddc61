package dev.keycloaktwofactor.model;

import dev.keycloaktwofactor.model.Refusal;
import dev.keycloaktwofactor.phone.PhoneProblem;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code "code"} the admin API can answer has the Security page's own text in English and Russian
 * ({@code refusal_<code>} in i18n.js), so that no refusal reaches a Russian page in English.
 */
class RefusalMessagesTest {

    private static final Path MAIN = Paths.get("src/main/java");
    private static final Path PAGE_MESSAGES = Paths.get("../admin-ui-theme/twofactor-admin/i18n.js");
    /** new InvalidSettingException(field, "some_code", "message"...): a code given as a string. */
    private static final Pattern STRING_CODE = Pattern.compile("new InvalidSettingException\\(\\s*[^,()]+,\\s*\"([a-z][a-z0-9_]*)\"\\s*,");
    /** new InvalidSettingException(field, "message"): no code, so "<field>_invalid", which no test can enumerate. */
    private static final Pattern NO_CODE = Pattern.compile("new InvalidSettingException\\(\\s*[^,()]+,\\s*\"(?![a-z][a-z0-9_]*\"\\s*,)");

    private static List<String> mainSources() throws IOException {
        List<String> sources = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                sources.add(f + "\n" + Files.readString(f));
            }
        }
        return sources;
    }

    /** Every code the server can answer: the refusals, the phone problems, and codes written as strings. */
    static Set<String> serverCodes() throws IOException {
        Set<String> codes = new TreeSet<>();
        Arrays.stream(Refusal.values()).map(Refusal::code).forEach(codes::add);
        Arrays.stream(PhoneProblem.values()).map(PhoneProblem::code).forEach(codes::add);
        for (String source : mainSources()) {
            Matcher m = STRING_CODE.matcher(source);
            while (m.find()) {
                codes.add(m.group(1));
            }
        }
        return codes;
    }

    /** The keys of one language's table in i18n.js ("  en: {" ... "  },"). */
    static Set<String> pageKeys(String language) throws IOException {
        String js = Files.readString(PAGE_MESSAGES);
        int start = js.indexOf("\n  " + language + ": {");
        assertThat(start).as("i18n.js has a table for " + language).isPositive();
        int end = js.indexOf("\n  }", start);
        Set<String> keys = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^ {4}([A-Za-z_][A-Za-z0-9_]*):").matcher(js.substring(start, end));
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    @Test
    void everyCodeTheServerCanAnswerHasTheSecurityPagesTextInBothLanguages() throws IOException {
        Set<String> codes = serverCodes();
        assertThat(codes).contains("ip_allowlist_invalid", "ip_allowlist_locks_you_out", "own_number",
                "method_locks_you_out", "sms_not_activated", "phone_landline");
        for (String language : List.of("en", "ru")) {
            Set<String> keys = pageKeys(language);
            List<String> missing = codes.stream().filter(c -> !keys.contains("refusal_" + c)).toList();
            assertThat(missing).as("codes without a refusal_<code> text in the page's " + language + " table").isEmpty();
        }
    }

    @Test
    void everyRefusalInTheSourcesNamesItsCode() throws IOException {
        List<String> withoutCode = new ArrayList<>();
        for (String source : mainSources()) {
            Matcher m = NO_CODE.matcher(source);
            while (m.find()) {
                int lineEnd = source.indexOf('\n', m.start());
                withoutCode.add(source.substring(0, source.indexOf('\n')) + ": " + source.substring(m.start(), lineEnd));
            }
        }
        assertThat(withoutCode).as("give each refusal a Refusal (and the page a refusal_<code> text in en and ru)").isEmpty();
    }

    @Test
    void theCheckFindsACodeThePageLacks() {
        Matcher m = STRING_CODE.matcher("throw new InvalidSettingException(FIELD, \"trusted_networks_invalid\", \"Bad.\");");
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo("trusted_networks_invalid");
        assertThat(NO_CODE.matcher("new InvalidSettingException(FIELD, \"Bad value.\")").find()).isTrue();
        assertThat(NO_CODE.matcher("new InvalidSettingException(FIELD, \"some_code\", \"Bad value.\")").find()).isFalse();
        assertThat(NO_CODE.matcher("new InvalidSettingException(FIELD, Refusal.METHOD_INVALID, \"Bad value.\")").find()).isFalse();
    }
}
