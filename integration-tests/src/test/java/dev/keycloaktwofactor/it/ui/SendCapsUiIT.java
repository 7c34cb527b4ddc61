package dev.keycloaktwofactor.it.ui;

import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.EmailCodes;
import dev.keycloaktwofactor.it.support.ExtraServerOptions;
import dev.keycloaktwofactor.it.support.TestRealm;
import dev.keycloaktwofactor.it.support.ui.ChromiumExtension;
import dev.keycloaktwofactor.it.support.ui.SecurityPage;
import dev.keycloaktwofactor.it.support.ui.UiBrowser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Security page's send caps in a real browser: the realm's trusted networks as a field of the settings (saved,
 * refused with the server's words next to the field), and the card that shows, per cap, its limit and how many sends
 * it refused in the last hour (English and Russian).
 */
@ExtendWith(ChromiumExtension.class)
class SendCapsUiIT {

    private static UiBrowser ui;

    private static String cell(String cap, String css) {
        return ui.visible("#caps-rows tr[data-cap=" + cap + "] " + css).getText();
    }

    @Test
    void anAdminSeesWhichCapRefusedSendsAndDeclaresTheOfficeAsATrustedNetwork() {
        TestRealm r = TestRealm.create("ui-caps");
        r.makeRealmAdmin(r.addUser("boss", "boss-pw"));
        // one user over the per-user cap of 10 emailed codes: the 11th sign-in is refused
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "email", "resendCooldownSeconds", 1)));
        r.admin.ok(r.admin.put("/" + r.name, Map.of("bruteForceProtected", false)));
        r.addUser("agent", "agent-pw");
        for (int i = 0; i < 10; i++) {
            assertThat(CodePage.signInWithEmailedCode(r, "agent", "agent-pw").isRedirectToClient()).isTrue();
        }
        assertThat(r.signIn(r.browser(), "agent", "agent-pw").doc().text()).contains("Too many codes were sent to you");
        // the admin signs in as everyone does here, with an emailed code
        SecurityPage page = SecurityPage.open(ui, r.name);
        ui.signIn("boss", "boss-pw");
        ui.type("#code", EmailCodes.nextCode(r, "boss"));
        ui.click("#kc-login");
        page.awaitReady();

        assertThat(ui.visible("#caps-title").getText()).isEqualTo("Send caps");
        assertThat(cell("user", "th")).contains("Codes to one user").contains("max-sends-per-user-per-hour");
        assertThat(cell("user", ".caps-limit")).isEqualTo("10");
        assertThat(cell("user", ".caps-count")).isEqualTo("1");
        assertThat(ui.find("#caps-rows tr[data-cap=user]").getAttribute("class")).contains("caps-refused");
        assertThat(cell("address_texts", "th")).contains("Text messages requested from one network");
        assertThat(cell("address_texts", ".caps-limit")).isEqualTo(String.valueOf(ExtraServerOptions.ADDRESS_CAP));
        assertThat(cell("address_texts", ".caps-count")).isEqualTo("0");
        assertThat(cell("address_emails", ".caps-limit")).as("emails are not capped per address by default").isEqualTo("none");
        assertThat(ui.visible("#caps-summary").getText()).isEqualTo("Sends refused in the last hour: 1.");
        ui.element("send-caps", "#caps-card");
        ui.assertAccessible("send caps card");

        // a new refusal shows after Refresh
        assertThat(r.signIn(r.browser(), "agent", "agent-pw").doc().text()).contains("Too many codes were sent to you");
        ui.click("#caps-refresh");
        ui.until("the new count", d -> "2".equals(ui.find("#caps-rows tr[data-cap=user] .caps-count").getText()));

        // the office's range: refused with the server's words beside the field, then saved
        ui.type("#trustedNetworks", "203.0.113.0/24\n10.0.0.0/33");
        page.save();
        assertThat(ui.visible("#err-trustedNetworks").getText()).isNotBlank();
        assertThat(ui.find("#trustedNetworks").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(r.settings().get("trustedNetworks")).as("nothing saved").isEmpty();
        ui.assertAccessible("trusted networks with a field error");
        ui.type("#trustedNetworks", "203.0.113.0/24\n2001:db8::/32");
        page.save();
        ui.until("saved", d -> ui.present("#save-message") && ui.find("#save-message").getText().startsWith("Saved"));
        assertThat(r.settings().get("trustedNetworks")).extracting(n -> n.asText()).containsExactly("203.0.113.0/24", "2001:db8::/32");
        page.reload();
        assertThat(ui.find("#trustedNetworks").getDomProperty("value")).isEqualTo("203.0.113.0/24\n2001:db8::/32");

        page.language("ru");
        assertThat(ui.find("#caps-title").getText()).isEqualTo("Ограничения отправки");
        assertThat(cell("user", "th")).contains("Коды одному пользователю");
        assertThat(cell("address_emails", ".caps-limit")).isEqualTo("нет");
        assertThat(ui.find("#caps-summary").getText()).isEqualTo("За последний час отклонено отправок: 2.");
        assertThat(ui.find("label[for=trustedNetworks]").getText()).isEqualTo("Доверенные сети");
        ui.element("send-caps-ru", "#caps-card");
        ui.assertAccessible("send caps card in Russian");
        page.language("en");
    }

    @Test
    void aRealmWithoutRefusalsSaysSo() {
        TestRealm r = TestRealm.create("ui-caps-none");
        r.makeRealmAdmin(r.addUser("boss", "boss-pw"));
        SecurityPage.signIn(ui, r.name, "boss", "boss-pw");
        assertThat(ui.visible("#caps-summary").getText()).isEqualTo("No send was refused in the last hour.");
        List<String> counts = ui.driver.findElements(org.openqa.selenium.By.cssSelector("#caps-rows .caps-count")).stream()
                .map(e -> e.getText()).toList();
        assertThat(counts).hasSize(5).containsOnly("0");
    }
}
