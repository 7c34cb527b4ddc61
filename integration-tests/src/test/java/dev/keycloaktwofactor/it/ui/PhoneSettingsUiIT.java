package dev.keycloaktwofactor.it.ui;

import dev.keycloaktwofactor.it.support.TestRealm;
import dev.keycloaktwofactor.it.support.ui.ChromiumExtension;
import dev.keycloaktwofactor.it.support.ui.SecurityPage;
import dev.keycloaktwofactor.it.support.ui.UiBrowser;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Security page's phone settings in a real browser: the default region and the searchable SMS-country picker. */
class PhoneSettingsUiIT {

    @RegisterExtension
    static final ChromiumExtension CHROMIUM = ChromiumExtension.keepingState();

    private static UiBrowser ui;

    private static List<String> optionLabels() {
        return ui.findAll("#smsCountries-options label").stream().map(WebElement::getText).toList();
    }

    @Test
    void anAdminPicksTheDefaultRegionAndTheSmsCountriesAndSeesNumbersTheyNowRefuse() {
        ui.forgetEverything();
        ui.desktop();
        TestRealm r = TestRealm.create("ui-phones");
        r.makeRealmAdmin(r.addUser("boss", "boss-pw"));
        String carol = r.addUser("carol", "carol-pw");
        r.admin.ok(r.admin.put("/" + r.name + "/twofactor/users/" + carol + "/phone", Map.of("phoneNumber", "+14155550192")));

        SecurityPage page = SecurityPage.signIn(ui, r.name, "boss", "boss-pw");

        assertThat(ui.visible("#phone-settings legend").getText()).isEqualTo("Phone numbers and SMS countries");
        assertThat(ui.find("#smsCountries-chosen").getText()).isEqualTo("Any country");
        Select region = new Select(ui.find("#defaultPhoneRegion"));
        assertThat(region.getFirstSelectedOption().getText()).isEqualTo("None: international format only");
        assertThat(region.getOptions().size()).as("the library's regions").isGreaterThan(200);
        region.selectByValue("RU");
        assertThat(region.getFirstSelectedOption().getText()).isEqualTo("Russia (+7, RU)");

        ui.type("#smsCountries", "kaz");
        assertThat(optionLabels()).containsExactly("Kazakhstan (+7, KZ)");
        ui.click("label[for=sms-country-KZ]");
        ui.type("#smsCountries", "+49");
        assertThat(optionLabels()).contains("Germany (+49, DE)").noneMatch(l -> l.contains("(+7,"));
        ui.click("label[for=sms-country-DE]");
        ui.type("#smsCountries", "russ");
        ui.find("#smsCountries").sendKeys(org.openqa.selenium.Keys.ENTER);
        assertThat(ui.find("#smsCountries-chosen").getText()).contains("Kazakhstan (+7, KZ)").contains("Germany (+49, DE)")
                .contains("Russia (+7, RU)");
        ui.click("#smsCountries-chosen button.chip-remove[data-region=DE]");
        assertThat(ui.find("#smsCountries-chosen").getText()).doesNotContain("Germany");
        ui.screenshot("security-page-phone-settings");
        ui.assertAccessible("phone settings with countries picked");

        page.save();
        assertThat(page.saveMessage()).startsWith("Saved.");
        JsonNode saved = r.settings();
        assertThat(saved.get("defaultPhoneRegion").asText()).isEqualTo("RU");
        assertThat(saved.get("smsCountries").toString()).isEqualTo("[\"KZ\",\"RU\"]");

        // carol's number, attached before the list, is marked with the reason once the table reloads
        ui.open(SecurityPage.url(r.name));
        page.awaitReady();
        String row = page.rowCss("carol");
        assertThat(ui.visible(row + ".phone-number").getText()).as("in full for an admin who may view users").isEqualTo("+14155550192");
        assertThat(ui.find(row + ".phone-problem").getText()).contains("Country not among the SMS countries");
        ui.assertAccessible("users table with a refused number");
        assertThat(ui.find("#smsCountries-chosen").getText()).contains("Kazakhstan (+7, KZ)").contains("Russia (+7, RU)");

        page.language("ru");
        assertThat(ui.find("#phone-settings legend").getText()).isEqualTo("Номера телефонов и страны для SMS");
        assertThat(ui.find("#smsCountries-chosen").getText()).contains("Казахстан (+7, KZ)");
        assertThat(new Select(ui.find("#defaultPhoneRegion")).getFirstSelectedOption().getText()).isEqualTo("Россия (+7, RU)");
        assertThat(ui.find(row + ".phone-problem").getText()).contains("Страны нет среди стран для SMS");
        ui.type("#smsCountries", "герм");
        assertThat(optionLabels()).containsExactly("Германия (+49, DE)");
        ui.screenshot("security-page-phone-settings-ru");
        ui.assertAccessible("phone settings in Russian, the country list open");
    }
}
