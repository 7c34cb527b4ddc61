package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.Browser;
import dev.keycloaktwofactor.it.support.CodePage;
import dev.keycloaktwofactor.it.support.HttpAnswer;
import dev.keycloaktwofactor.it.support.QrCode;
import dev.keycloaktwofactor.it.support.QrPage;
import dev.keycloaktwofactor.it.support.TestRealm;
import dev.keycloaktwofactor.it.support.Totp;
import com.fasterxml.jackson.databind.JsonNode;
import dev.keycloaktwofactor.devtools.CaughtMail;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Method "totp": enrolment with a QR code, login with the app, brute force, replay and the admin's device reset. */
class TotpLoginIT {

    private static TestRealm realm;

    @BeforeAll
    static void setUp() {
        realm = TestRealm.create("totp");
        realm.admin.ok(realm.putSettings(realm.admin, Map.of("method", "totp")));
    }

    /** Signs in with the password and reads the enrolment page the way a phone would. */
    private static Totp enrolmentPage(Browser.Page page) {
        Document doc = page.doc();
        assertThat(doc.selectFirst(QrPage.QR)).as("QR code on " + page).isNotNull();
        assertThat(doc.selectFirst("input[name=code][autocomplete=one-time-code][inputmode=numeric]")).isNotNull();
        Totp app = Totp.fromUri(QrCode.decode(doc.selectFirst(QrPage.QR)));
        String keyText = doc.selectFirst("#twofactor-secret").text().replace(" ", "");
        assertThat(Totp.base32(keyText)).as("the key shown as text is the QR's key").isEqualTo(app.key());
        return app;
    }

    @Test
    @Tag("smoke")
    void aUserWithoutADeviceScansTheQrCodeAndTheAppsCodeActivatesIt() {
        String id = realm.addUser("alice", "alice-pw");
        Browser browser = realm.browser();
        Browser.Page page = realm.signIn(browser, "alice", "alice-pw");

        Totp app = enrolmentPage(page);
        assertThat(app.issuer()).isEqualTo(realm.name);
        assertThat(app.label()).isEqualTo(realm.name + ":alice");
        assertThat(app.key().length * 8).as("secret bits").isGreaterThanOrEqualTo(160);
        assertThat(app.digits()).isEqualTo(6);
        assertThat(app.period()).isEqualTo(30);

        // a wrong code keeps the QR page, with the same key
        Browser.Page wrong = CodePage.submit(browser, page, wrongCode(app));
        assertThat(enrolmentPage(wrong).key()).isEqualTo(app.key());
        assertThat(wrong.doc().text()).containsIgnoringCase("invalid");
        assertThat(totpConfigured(id)).isFalse();
        // Keycloak's (blocking) brute-force protector refuses the user's next request ("Too many attempts") while the
        // job recording that failure still runs: wait for the record, as a person would not type within milliseconds
        realm.bruteForceStatus(id, 1);

        Browser.Page done = CodePage.submit(browser, wrong, app.now());
        assertThat(done.isRedirectToClient()).as("login completes: " + done).isTrue();
        JsonNode tokens = realm.exchange(done);
        assertThat(tokens.get("access_token").asText()).isNotBlank();
        assertThat(totpConfigured(id)).isTrue();

        // next login: the code field only, and the app's next code works once
        Browser second = realm.browser();
        Browser.Page codePage = realm.signIn(second, "alice", "alice-pw");
        assertThat(codePage.doc().selectFirst(QrPage.QR)).isNull();
        assertThat(codePage.doc().selectFirst(CodePage.FIELD)).isNotNull();
        String code = app.next();
        assertThat(CodePage.submit(second, codePage, code).isRedirectToClient()).isTrue();

        Browser third = realm.browser();
        Browser.Page replay = CodePage.submit(third, realm.signIn(third, "alice", "alice-pw"), code);
        assertThat(replay.isRedirectToClient()).as("a code is accepted once").isFalse();
        assertThat(replay.doc().selectFirst(CodePage.FIELD)).isNotNull();
    }

    @Test
    void codesOutsideOneStepEitherSideAndTheEnrolmentCodeAreRefused() {
        String id = realm.addUser("window", "window-pw");
        Browser b = realm.browser();
        Browser.Page qr = realm.signIn(b, "window", "window-pw");
        Totp app = enrolmentPage(qr);
        String enrolment = app.now();
        assertThat(CodePage.submit(b, qr, enrolment).isRedirectToClient()).isTrue();

        long now = System.currentTimeMillis() / 1000;
        Browser next = realm.browser();
        Browser.Page page = realm.signIn(next, "window", "window-pw");
        assertThat(page.doc().selectFirst(QrPage.QR)).isNull();
        page = CodePage.submit(next, page, enrolment);
        assertThat(page.isRedirectToClient()).as("the code that activated the device is spent").isFalse();
        int failures = 1;
        realm.bruteForceStatus(id, failures); // see wrongCodesReachBruteForceProtection...: the next post waits for the record
        // (three wrong entries in all: the realm locks at five)
        for (long steps : new long[]{-2, 2}) {
            String code = app.codeAt(now + steps * app.period());
            if (code.equals(app.now()) || code.equals(app.next()) || code.equals(app.codeAt(now - app.period()))) {
                continue; // a collision with a code inside the window proves nothing
            }
            page = CodePage.submit(next, page, code);
            assertThat(page.isRedirectToClient()).as("a code " + steps + " steps away").isFalse();
            realm.bruteForceStatus(id, ++failures);
        }
        assertThat(CodePage.submit(next, page, app.next()).isRedirectToClient()).as("one step ahead is inside the window").isTrue();
    }

    @Test
    void theQrCarriesIssuerAndAccountProperlyEncoded() {
        TestRealm r = TestRealm.create("totp-names");
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "totp")));
        String issuer = "Служба поддержки & Co: 24/7 +1";
        r.admin.ok(r.admin.put("/" + r.name, Map.of("displayName", issuer)));
        String username = "anna.o-neil_ops";
        r.addUser(username, "anna-pw");
        Browser b = r.browser();
        Browser.Page qr = r.signIn(b, username, "anna-pw");
        Totp app = enrolmentPage(qr);
        // Keycloak's key URI turns ':' into a space in the issuer, as the Key-Uri-Format asks; all else round-trips
        String shown = issuer.replace(':', ' ');
        assertThat(app.issuer()).isEqualTo(shown);
        assertThat(app.label()).isEqualTo(shown + ":" + username);
        Browser.Page done = CodePage.submit(b, qr, app.now());
        assertThat(done.isRedirectToClient()).as("the decoded key works: " + done).isTrue();
    }

    @Test
    void theQrPageStaysUntilTheDeviceIsActivated() {
        realm.addUser("bob", "bob-pw");
        Browser browser = realm.browser();
        Totp first = enrolmentPage(realm.signIn(browser, "bob", "bob-pw"));
        // a new login attempt without activating shows a QR code again
        Totp second = enrolmentPage(realm.signIn(realm.browser(), "bob", "bob-pw"));
        assertThat(second.key()).isNotEqualTo(first.key());
        // the code field cannot be skipped by posting an empty or non-numeric code
        Browser.Page page = realm.signIn(browser, "bob", "bob-pw");
        assertThat(CodePage.submit(browser, page, "").isRedirectToClient()).isFalse();
        assertThat(CodePage.submit(browser, page, "abcdef").isRedirectToClient()).isFalse();
    }

    @Test
    void wrongCodesReachBruteForceProtectionAndALockedUserStartsOver() {
        TestRealm r = TestRealm.create("totp-lock");
        r.admin.ok(r.admin.put("/" + r.name, Map.of("failureFactor", 3, "waitIncrementSeconds", 600,
                "maxFailureWaitSeconds", 900, "maxDeltaTimeSeconds", 3600)));
        r.admin.ok(r.putSettings(r.admin, Map.of("method", "totp")));
        String id = r.addUser("carol", "carol-pw");
        Browser browser = r.browser();
        Browser.Page page = r.signIn(browser, "carol", "carol-pw");
        Totp app = enrolmentPage(page);
        for (int i = 0; i < 3; i++) {
            page = CodePage.submit(browser, page, wrongCode(app));
            // Keycloak's (blocking) protector refuses the user's next request while the job recording this failure
            // still runs: wait for the record, as a person would not type the next code within milliseconds
            r.bruteForceStatus(id, i + 1);
        }
        JsonNode status = r.bruteForceStatus(id, 3);
        assertThat(status.get("numFailures").asInt()).isEqualTo(3);
        assertThat(status.get("disabled").asBoolean()).isTrue();

        // even the right code is not taken now, and the login attempt is over
        Browser.Page locked = CodePage.submit(browser, page, app.now());
        assertThat(locked.isRedirectToClient()).isFalse();
        assertThat(locked.doc().selectFirst("form#kc-form-login")).as("back to the login form: " + locked).isNotNull();
        assertThat(totpConfigured(r, id)).isFalse();
    }

    @Test
    @Tag("smoke")
    void anAdminResetsTheDeviceEvenInTheMiddleOfALogin() {
        String id = realm.addUser("dave", "dave-pw");
        Browser browser = realm.browser();
        Browser.Page page = realm.signIn(browser, "dave", "dave-pw");
        Totp oldDevice = enrolmentPage(page);
        assertThat(CodePage.submit(browser, page, oldDevice.now()).isRedirectToClient()).isTrue();

        Browser midLogin = realm.browser();
        Browser.Page codePage = realm.signIn(midLogin, "dave", "dave-pw");
        assertThat(codePage.doc().selectFirst(QrPage.QR)).isNull();

        HttpAnswer reset = realm.admin.delete("/" + realm.name + "/twofactor/users/" + id + "/totp");
        assertThat(reset.status()).isEqualTo(204);
        assertThat(totpConfigured(id)).isFalse();

        Browser.Page afterReset = CodePage.submit(midLogin, codePage, oldDevice.next());
        assertThat(afterReset.isRedirectToClient()).as("the old device's code is refused").isFalse();
        Totp newDevice = enrolmentPage(afterReset);
        assertThat(newDevice.key()).isNotEqualTo(oldDevice.key());

        CaughtMail notice = realm.kc.mail().awaitMessageTo(realm.email("dave"), Duration.ofSeconds(20));
        assertThat(notice.subject()).isNotBlank();
        assertThat(notice.text()).containsIgnoringCase("authenticator");

        // the next login from scratch shows a new QR code as well
        Totp another = enrolmentPage(realm.signIn(realm.browser(), "dave", "dave-pw"));
        assertThat(another.key()).isNotEqualTo(oldDevice.key());
    }

    @Test
    void resettingNeedsManageUsersAndIsAnAdminEvent() {
        String id = realm.addUser("erin", "erin-pw");
        realm.admin.ok(realm.admin.put("/" + realm.name, Map.of("adminEventsEnabled", true)));
        String otherId = realm.addUser("frank", "frank-pw");
        realm.admin.ok(realm.putSettings(realm.admin, Map.of("method", "none")));
        AdminClient frank = AdminClient.passwordGrant(realm.kc, realm.name, "frank", "frank-pw");
        realm.admin.ok(realm.putSettings(realm.admin, Map.of("method", "totp")));
        assertThat(frank.delete("/" + realm.name + "/twofactor/users/" + id + "/totp").status()).isEqualTo(403);
        assertThat(realm.admin.delete("/" + realm.name + "/twofactor/users/" + id + "/totp").status()).isEqualTo(204);
        JsonNode events = realm.admin.ok(realm.admin.get("/" + realm.name + "/admin-events?operationTypes=DELETE"));
        assertThat(events).anySatisfy(e -> assertThat(e.get("resourcePath").asText()).isEqualTo("users/" + id + "/totp"));
        assertThat(realm.admin.delete("/" + realm.name + "/twofactor/users/no-such-user/totp").status()).isEqualTo(404);
        assertThat(otherId).isNotBlank();
    }

    private static boolean totpConfigured(String userId) {
        return totpConfigured(realm, userId);
    }

    private static boolean totpConfigured(TestRealm realm, String userId) {
        return realm.admin.ok(realm.admin.get("/" + realm.name + "/twofactor/users/" + userId)).get("totpConfigured").asBoolean();
    }

    private static String wrongCode(Totp app) {
        String right = app.now();
        String next = app.next();
        String previous = app.codeAt(System.currentTimeMillis() / 1000 - app.period());
        for (int i = 0; ; i++) {
            String candidate = String.format("%06d", (Integer.parseInt(right) + 1 + i) % 1_000_000);
            if (!candidate.equals(next) && !candidate.equals(previous) && !candidate.equals(right)) {
                return candidate;
            }
        }
    }
}
