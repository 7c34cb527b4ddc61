package dev.keycloaktwofactor.common;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.text.MessageFormat;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every text in English and Russian: the same keys, the same placeholders, and every key a template uses exists. */
class MessagesTest {

    private static final Path THEME = Paths.get("../admin-ui-theme/theme-resources");

    private static Properties load(String name) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(THEME.resolve("messages").resolve(name))) {
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return p;
    }

    @Test
    void englishAndRussianHaveTheSameKeysAndPlaceholders() throws IOException {
        Properties en = load("messages_en.properties");
        Properties ru = load("messages_ru.properties");
        assertThat(ru.stringPropertyNames()).containsExactlyInAnyOrderElementsOf(en.stringPropertyNames());
        for (String key : en.stringPropertyNames()) {
            assertThat(placeholders(ru.getProperty(key))).as(key).isEqualTo(placeholders(en.getProperty(key)));
            assertThat(ru.getProperty(key)).as(key + " is translated, not empty").isNotBlank();
            new MessageFormat(en.getProperty(key));
            new MessageFormat(ru.getProperty(key));
        }
        assertThat(ru.getProperty("twofactorContactAdminTitle")).as("Russian, not a copy of English")
                .isNotEqualTo(en.getProperty("twofactorContactAdminTitle"));
    }

    @Test
    void everyMessageKeyTheTemplatesUseExists() throws IOException {
        Properties en = load("messages_en.properties");
        Pattern msg = Pattern.compile("msg\\(\"(twofactor[A-Za-z]+)\"");
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.walk(THEME.resolve("templates"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".ftl")).toList()) {
                Matcher m = msg.matcher(Files.readString(f));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        assertThat(used).isNotEmpty();
        assertThat(en.stringPropertyNames()).containsAll(used);
    }

    private static Set<String> placeholders(String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = Pattern.compile("\\{(\\d+)").matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
