package dev.keycloaktwofactor.sms;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** Provider {@code log}, the development gateway: registered beside twilio, and it only writes to the server log. */
class LogSmsSenderFactoryTest {

    @BeforeAll
    static void julBackend() {
        // outside Keycloak there is no JBoss LogManager: route JBoss Logging to java.util.logging to read the line
        System.setProperty("org.jboss.logging.provider", "jdk");
    }

    @Test
    void bothGatewaysAreRegisteredForTheSpi() {
        List<String> ids = ServiceLoader.load(SmsSenderFactory.class).stream().map(p -> p.get().getId()).toList();
        assertThat(ids).containsExactlyInAnyOrder("log", "twilio");
        assertThat(new SmsSenderSpi().getName()).isEqualTo("twofactor-sms");
    }

    @Test
    void theLogProviderWritesTheTextWithTheNumberMaskedAndSendsNothing() throws Exception {
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger jul = Logger.getLogger("dev.keycloaktwofactor.sms.log");
        jul.addHandler(capture);
        jul.setLevel(Level.ALL);
        try {
            LogSmsSenderFactory factory = new LogSmsSenderFactory();
            assertThat(factory.isConfigured()).isTrue();
            assertThat(factory.getOperationalInfo()).containsEntry("delivery", "server log (development only)");
            factory.create(null).send("+14155550123", "Your sign-in code: 123456");
        } finally {
            jul.removeHandler(capture);
        }
        assertThat(records).hasSize(1);
        String line = new java.util.logging.SimpleFormatter().formatMessage(records.get(0));
        assertThat(line).contains("Your sign-in code: 123456").contains("0123").doesNotContain("4155550123")
                .contains("nothing was sent");
    }
}
