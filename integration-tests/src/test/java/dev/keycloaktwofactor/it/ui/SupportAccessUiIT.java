package dev.keycloaktwofactor.it.ui;

import dev.keycloaktwofactor.it.support.TestRealm;
import dev.keycloaktwofactor.it.support.ui.ChromiumExtension;
import dev.keycloaktwofactor.it.support.ui.SecurityPage;
import dev.keycloaktwofactor.it.support.ui.UiBrowser;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.support.ui.Select;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Security page's "Technical support access" section in a real browser: a realm admin allows support for one of
 * the offered durations or a custom one, sees until when and how long is left (English and Russian), and stops it.
 */
@ExtendWith(ChromiumExtension.class)
class SupportAccessUiIT {

    private static UiBrowser ui;

    private static Instant until(TestRealm r) {
        JsonNode v = r.settings().get("supportAccessUntil");
        return v == null || v.isNull() ? null : Instant.parse(v.asText());
    }

    @Test
    void aRealmAdminAllowsSupportForFourHoursSeesTheEndAndStopsIt() {
        TestRealm r = TestRealm.create("ui-support");
        r.makeRealmAdmin(r.addUser("boss", "boss-pw"));
        SecurityPage page = SecurityPage.signIn(ui, r.name, "boss", "boss-pw");

        assertThat(ui.visible("#support-card").getDomAttribute("data-support")).isEqualTo("off");
        assertThat(ui.find("#support-on").isDisplayed()).isFalse();
        assertThat(ui.find("#support-60").isSelected()).as("1 hour is picked to start with").isTrue();
        assertThat(ui.find("#support-form").getText()).contains("1 hour", "4 hours", "24 hours", "3 days", "Other:");

        ui.click("label[for=support-240]");
        ui.element("support-access-off", "#support-card");
        ui.assertAccessible("support section, off");
        Instant before = Instant.now();
        page.startSupport();
        String status = page.supportStatus();
        // a 24-hour clock; the date too when the end is on another day (a run late in the evening)
        assertThat(status).matches("Support can view this realm until ([^()]*\\D)?\\d{2}:\\d{2} \\(in (4 h|3 h 59 min)\\)");
        assertThat(page.supportMessage()).contains("Support can view this realm now");
        Instant until = until(r);
        assertThat(until).isBetween(before.plus(Duration.ofMinutes(239)), Instant.now().plus(Duration.ofMinutes(241)));
        assertThat(ui.find("#support-status").getDomAttribute("data-until")).isEqualTo(until.toString().replace("Z", ".000Z"));
        ui.element("support-access", "#support-card");
        ui.assertAccessible("support section, on");

        // a reload shows the same, from the server
        page.reload();
        assertThat(page.supportStatus()).isEqualTo(status);

        page.language("ru");
        assertThat(ui.find("#support-status").getText())
                .matches("Поддержка может просматривать эту область до ([^()]*\\D)?\\d{2}:\\d{2} \\(осталось (4 ч|3 ч 59 мин)\\)");
        assertThat(ui.find("#support-stop").getText()).isEqualTo("Остановить");
        ui.element("support-access-ru", "#support-card");
        ui.assertAccessible("support section, on, in Russian");
        page.language("en");

        page.stopSupport();
        assertThat(page.supportMessage()).isEqualTo("Support access has ended.");
        assertThat(ui.find("#support-card").getDomAttribute("data-support")).isEqualTo("off");
        assertThat(until(r)).as("stopped on the server").isNull();
    }

    @Test
    void aCustomDurationAndAnOutOfRangeOneWithTheServersWords() {
        TestRealm r = TestRealm.create("ui-support-custom");
        r.makeRealmAdmin(r.addUser("boss", "boss-pw"));
        SecurityPage page = SecurityPage.signIn(ui, r.name, "boss", "boss-pw");

        assertThat(ui.find("#support-custom-amount").isEnabled()).as("only with Other:").isFalse();
        ui.click("label[for=support-custom]");
        ui.type("#support-custom-amount", "8");
        new Select(ui.find("#support-custom-unit")).selectByValue("days");
        page.startSupport();
        assertThat(page.supportMessage()).isEqualTo("Support access: a whole number of minutes, at most 7 days.");
        ui.assertAccessible("support section, custom duration refused");
        assertThat(until(r)).isNull();

        ui.type("#support-custom-amount", "90");
        new Select(ui.find("#support-custom-unit")).selectByValue("minutes");
        Instant before = Instant.now();
        page.startSupport();
        assertThat(page.supportStatus()).contains("(in 1 h 30 min)");
        assertThat(until(r)).isBetween(before.plus(Duration.ofMinutes(89)), Instant.now().plus(Duration.ofMinutes(91)));
        page.stopSupport();
        assertThat(until(r)).isNull();
    }
}
