package dev.keycloaktwofactor.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keycloaktwofactor.devtools.CaughtMail;
import dev.keycloaktwofactor.it.support.AdminClient;
import dev.keycloaktwofactor.it.support.ExtraServerOptions;
import dev.keycloaktwofactor.it.support.HttpAnswer;
import dev.keycloaktwofactor.it.support.Json;
import dev.keycloaktwofactor.it.support.KeycloakServer;
import dev.keycloaktwofactor.it.support.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Technical support access: a realm's admin lets the operator's support (members of the master-realm group named by
 * {@code --spi-authenticator--twofactor-authenticator--support-group}, here {@value ExtraServerOptions#SUPPORT_GROUP})
 * read the realm for a while. Support signs in to the master realm as the admin console does and calls Keycloak's own
 * admin REST API; nothing of ours stands in the way, only the roles on their group.
 */
class SupportAccessIT {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String PASSWORD = "support-pw";

    private static KeycloakServer kc;
    private static String supportGroupId;
    /** A member of the configured group. */
    private static String supporter;
    /** A member of another group, and one of a group with the option's default name, which this server does not use. */
    private static String otherStaff;
    private static String defaultNamedStaff;

    @BeforeAll
    static void operatorSetsUpSupport() {
        kc = KeycloakServer.get();
        supportGroupId = masterGroup(ExtraServerOptions.SUPPORT_GROUP);
        supporter = masterUser("support", supportGroupId);
        otherStaff = masterUser("helpdesk", masterGroup("it-other-staff"));
        defaultNamedStaff = masterUser("staff", masterGroup("twofactor-support"));
    }

    private static String masterGroup(String name) {
        AdminClient master = master();
        JsonNode found = master.ok(master.get("/master/groups?exact=true&search=" + name));
        for (JsonNode g : found) {
            if (g.get("name").asText().equals(name)) {
                return g.get("id").asText();
            }
        }
        HttpAnswer created = master.post("/master/groups", Map.of("name", name));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return masterGroup(name);
    }

    private static String masterUser(String prefix, String groupId) {
        String username = prefix + "-" + COUNTER.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 100000, 36);
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("username", username);
        user.put("enabled", true);
        user.put("email", username + "@operator.example.test");
        user.put("emailVerified", true);
        user.put("firstName", prefix);
        user.put("lastName", "Operator");
        user.put("credentials", List.of(Map.of("type", "password", "value", PASSWORD, "temporary", false)));
        AdminClient master = master();
        HttpAnswer created = master.post("/master/users", user);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = master.ok(master.get("/master/users?exact=true&username=" + username)).get(0).get("id").asText();
        master.ok(master.put("/master/users/" + id + "/groups/" + groupId, Map.of()));
        return username;
    }

    /** A fresh token of the master realm's admin: master's tokens live 60 s, and some tests here wait longer. */
    private static AdminClient master() {
        return AdminClient.master(kc);
    }

    private static AdminClient as(String masterUsername) {
        return AdminClient.passwordGrant(kc, "master", masterUsername, PASSWORD);
    }

    /** A realm with an administrator "boss" (with an email address) and admin events recorded with details. */
    private static TestRealm customerRealm(String prefix) {
        TestRealm r = TestRealm.create(prefix);
        r.makeRealmAdmin(r.addUser("boss", "boss-pw"));
        r.addUser("agent", "agent-pw");
        r.admin.ok(r.admin.put("/" + r.name, Map.of("adminEventsEnabled", true, "adminEventsDetailsEnabled", true)));
        return r;
    }

    private static JsonNode settings(TestRealm r) {
        AdminClient master = master();
        return master.ok(master.get("/" + r.name + "/twofactor/settings"));
    }

    /** The realm's name as Keycloak's email layout writes it when the realm has no display name. */
    private static String shownName(TestRealm r) {
        return Character.toUpperCase(r.name.charAt(0)) + r.name.substring(1);
    }

    private static AdminClient boss(TestRealm r) {
        return AdminClient.passwordGrant(kc, r.name, "boss", "boss-pw");
    }

    /** The roles of the realm's {@code {realm}-realm} client in master that the support group holds. */
    private static List<String> supportRolesIn(TestRealm r) {
        AdminClient master = master();
        String app = master.ok(master.get("/master/clients?clientId=" + r.name + "-realm")).get(0).get("id").asText();
        List<String> names = new ArrayList<>();
        for (JsonNode role : master.ok(master.get("/master/groups/" + supportGroupId + "/role-mappings/clients/" + app))) {
            names.add(role.get("name").asText());
        }
        return names;
    }

    private static List<JsonNode> supportEvents(TestRealm r) {
        AdminClient master = master();
        List<JsonNode> events = new ArrayList<>();
        for (JsonNode e : master.ok(master.get("/" + r.name + "/admin-events?operationTypes=ACTION&max=100"))) {
            if ("twofactor/support-access".equals(e.path("resourcePath").asText())) {
                events.add(e);
            }
        }
        return events;
    }

    @Test
    void supportReadsTheRealmOnlyWhileItsAdminAllowsItAndNeverWrites() {
        TestRealm r = customerRealm("support");
        AdminClient support = as(supporter);
        String agentId = r.admin.ok(r.admin.get("/" + r.name + "/users?exact=true&username=agent")).get(0).get("id").asText();

        assertThat(support.get("/" + r.name + "/users").status()).as("before: nothing").isEqualTo(403);
        assertThat(r.settings().get("supportAccessUntil").isNull()).isTrue();

        // a second admin who reads Russian
        r.admin.ok(r.admin.put("/" + r.name, Map.of("internationalizationEnabled", true, "supportedLocales", List.of("en", "ru"), "defaultLocale", "en")));
        String ruAdmin = r.addUser("rukovoditel", "ru-pw");
        r.makeRealmAdmin(ruAdmin);
        JsonNode ruUser = r.admin.ok(r.admin.get("/" + r.name + "/users/" + ruAdmin));
        ((com.fasterxml.jackson.databind.node.ObjectNode) ruUser).set("attributes", Json.parse("{\"locale\": [\"ru\"]}"));
        r.admin.ok(r.admin.put("/" + r.name + "/users/" + ruAdmin, ruUser));

        AdminClient boss = boss(r);
        Instant before = Instant.now();
        JsonNode saved = boss.ok(r.putSettings(boss, Map.of("supportAccessMinutes", 240)));
        Instant until = Instant.parse(saved.get("supportAccessUntil").asText());
        assertThat(until).isBetween(before.plus(Duration.ofMinutes(239)), Instant.now().plus(Duration.ofMinutes(241)));
        assertThat(r.settings().get("supportAccessUntil").asText()).isEqualTo(until.toString());
        assertThat(supportRolesIn(r)).containsExactlyInAnyOrder("view-realm", "view-users", "view-clients", "view-events",
                "query-realms", "query-users", "query-clients", "query-groups");

        // reading, through Keycloak's own API, with the token support already had
        assertThat(support.get("/" + r.name + "/users").status()).isEqualTo(200);
        assertThat(support.get("/" + r.name + "/users/" + agentId).status()).isEqualTo(200);
        assertThat(support.get("/" + r.name).status()).isEqualTo(200);
        assertThat(support.get("/" + r.name + "/clients").status()).isEqualTo(200);
        assertThat(support.get("/" + r.name + "/events").status()).isEqualTo(200);
        assertThat(support.get("/" + r.name + "/twofactor/settings").status()).isEqualTo(200);

        // any write is refused
        assertThat(support.post("/" + r.name + "/users", Map.of("username", "intruder", "enabled", true)).status()).isEqualTo(403);
        assertThat(support.put("/" + r.name + "/users/" + agentId, Map.of("firstName", "Changed")).status()).isEqualTo(403);
        assertThat(support.delete("/" + r.name + "/users/" + agentId).status()).isEqualTo(403);
        assertThat(support.put("/" + r.name, Map.of("displayName", "Changed by support")).status()).isEqualTo(403);
        assertThat(support.post("/" + r.name + "/users/" + agentId + "/impersonation", null).status()).as("no impersonation").isEqualTo(403);
        assertThat(support.put("/" + r.name + "/users/" + agentId + "/reset-password",
                Map.of("type", "password", "value", "new-pw", "temporary", false)).status()).isEqualTo(403);
        assertThat(r.putSettings(support, Map.of("supportAccessMinutes", 10080)).status()).as("support cannot stretch its own window").isEqualTo(403);
        assertThat(r.putSettings(support, Map.of("method", "email")).status()).isEqualTo(403);
        assertThat(support.post("/" + r.name + "/twofactor/deauthorize", null).status()).isEqualTo(403);
        assertThat(support.get("/master/users").status()).as("nothing in master either").isEqualTo(403);
        assertThat(r.admin.ok(r.admin.get("/" + r.name + "/users?exact=true&username=intruder"))).isEmpty();
        assertThat(r.admin.ok(r.admin.get("/" + r.name + "/users/" + agentId)).get("firstName").asText()).isEqualTo("agent");
        assertThat(r.settings().get("supportAccessUntil").asText()).isEqualTo(until.toString());

        // the realm's admins were told who and until when
        CaughtMail started = kc.mail().awaitMessageTo(r.email("boss"), Duration.ofSeconds(20));
        assertThat(started.subject()).isEqualTo(shownName(r) + ": technical support can view the realm");
        assertThat(started.text()).contains("boss allowed the operator's technical support to view the realm " + shownName(r) + " until ")
                .contains(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(java.time.ZoneOffset.UTC).format(until))
                .contains("cannot change anything").contains("ends by itself");

        CaughtMail startedRu = kc.mail().awaitMessageTo(r.email("rukovoditel"), Duration.ofSeconds(20));
        assertThat(startedRu.subject()).isEqualTo(shownName(r) + ": техподдержке открыт просмотр области");
        assertThat(startedRu.text()).contains("boss разрешил(а) технической поддержке оператора просматривать область " + shownName(r) + " до ")
                .contains("Изменять что-либо и входить от имени пользователей они не могут.");

        // Stop: access goes at once, for the same token
        JsonNode stopped = boss.ok(r.putSettings(boss, Map.of("supportAccessMinutes", 0)));
        assertThat(stopped.get("supportAccessUntil").isNull()).isTrue();
        assertThat(support.get("/" + r.name + "/users").status()).as("after Stop").isEqualTo(403);
        assertThat(support.get("/" + r.name).status()).isEqualTo(403);
        assertThat(supportRolesIn(r)).isEmpty();
        CaughtMail ended = kc.mail().awaitMessageTo(r.email("boss"), Duration.ofSeconds(20));
        assertThat(ended.subject()).isEqualTo(shownName(r) + ": technical support access ended");
        assertThat(ended.text()).contains("boss stopped technical support access to the realm " + shownName(r))
                .contains("Support can no longer view the realm.");

        assertThat(kc.mail().awaitMessageTo(r.email("rukovoditel"), Duration.ofSeconds(20)).subject())
                .isEqualTo(shownName(r) + ": доступ техподдержки закрыт");
        assertThat(kc.mail().messages()).as("a user who is not an admin of the realm is not told")
                .noneMatch(m -> m.to().equalsIgnoreCase(r.email("agent")));

        // one admin event for each, naming the admin who acted
        List<JsonNode> events = supportEvents(r);
        assertThat(events).hasSize(2);
        JsonNode off = events.get(0);
        JsonNode on = events.get(1);
        String bossId = r.admin.ok(r.admin.get("/" + r.name + "/users?exact=true&username=boss")).get(0).get("id").asText();
        assertThat(Json.parse(on.get("representation").asText()).get("supportAccess").asText()).isEqualTo("on");
        assertThat(Json.parse(on.get("representation").asText()).get("supportAccessUntil").asText()).isEqualTo(until.toString());
        assertThat(on.at("/authDetails/userId").asText()).isEqualTo(bossId);
        JsonNode offWhat = Json.parse(off.get("representation").asText());
        assertThat(offWhat.get("supportAccess").asText()).isEqualTo("off");
        assertThat(offWhat.get("reason").asText()).isEqualTo("stopped");
        assertThat(off.at("/authDetails/userId").asText()).isEqualTo(bossId);
    }

    @Test
    void aOneMinuteWindowIsClosedByTheScheduledRunWithoutAnyoneLooking() throws InterruptedException {
        TestRealm r = customerRealm("support-expiry");
        AdminClient support = as(supporter);
        AdminClient boss = boss(r);
        Instant until = Instant.parse(boss.ok(r.putSettings(boss, Map.of("supportAccessMinutes", 1))).get("supportAccessUntil").asText());
        assertThat(support.get("/" + r.name + "/users").status()).isEqualTo(200);
        kc.mail().awaitMessageTo(r.email("boss"), Duration.ofSeconds(20)); // the start

        // only the group's role mappings are watched: no read of the realm's settings, which would also end it
        Instant deadline = until.plusSeconds(ExtraServerOptions.SUPPORT_CHECK_SECONDS * 4L + 10);
        List<String> roles = supportRolesIn(r);
        while (!roles.isEmpty() && Instant.now().isBefore(deadline)) {
            if (Instant.now().isBefore(until.minusSeconds(2))) {
                assertThat(roles).as("open until its end").contains("view-users");
            }
            Thread.sleep(1000);
            roles = supportRolesIn(r);
        }
        assertThat(roles).as("the scheduled run removed the group's roles").isEmpty();
        assertThat(Instant.now()).isAfterOrEqualTo(until);
        assertThat(as(supporter).get("/" + r.name + "/users").status()).isEqualTo(403);

        CaughtMail ended = kc.mail().awaitMessageTo(r.email("boss"), Duration.ofSeconds(20));
        assertThat(ended.subject()).isEqualTo(shownName(r) + ": technical support access ended");
        assertThat(ended.text()).contains("Technical support access to the realm " + shownName(r) + " ended at ")
                .contains("as scheduled").contains("Support can no longer view the realm.");
        List<JsonNode> events = supportEvents(r);
        assertThat(events).hasSize(2);
        JsonNode offWhat = Json.parse(events.get(0).get("representation").asText());
        assertThat(offWhat.get("supportAccess").asText()).isEqualTo("off");
        assertThat(offWhat.get("reason").asText()).isEqualTo("expired");
        assertThat(settings(r).get("supportAccessUntil").isNull()).isTrue();
    }

    @Test
    void aWindowTheScheduledRunMissedEndsOnTheFirstReadAfterIt() throws InterruptedException {
        TestRealm r = customerRealm("support-read");
        AdminClient boss = boss(r);
        Instant until = Instant.parse(boss.ok(r.putSettings(boss, Map.of("supportAccessMinutes", 1))).get("supportAccessUntil").asText());
        kc.mail().awaitMessageTo(r.email("boss"), Duration.ofSeconds(20)); // the start
        // the scheduled run starts from the group's role mappings: with them gone (the operator tidied the group by
        // hand) it has nothing to go on, as when runs are missed; the window itself is still recorded
        AdminClient master = master();
        String app = master.ok(master.get("/master/clients?clientId=" + r.name + "-realm")).get(0).get("id").asText();
        JsonNode held = master.ok(master.get("/master/groups/" + supportGroupId + "/role-mappings/clients/" + app));
        assertThat(held).isNotEmpty();
        HttpAnswer removed = AdminClient.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        kc.baseUrl() + "/admin/realms/master/groups/" + supportGroupId + "/role-mappings/clients/" + app))
                .header("Authorization", "Bearer " + master.token()).header("Content-Type", "application/json")
                .method("DELETE", java.net.http.HttpRequest.BodyPublishers.ofString(Json.write(held))).build());
        assertThat(removed.status()).as(removed.toString()).isEqualTo(204);

        Thread.sleep(Math.max(0, Duration.between(Instant.now(), until).toMillis()) + ExtraServerOptions.SUPPORT_CHECK_SECONDS * 2000L);
        JsonNode read = settings(r);
        assertThat(read.get("supportAccessUntil").isNull()).isTrue();

        CaughtMail ended = kc.mail().awaitMessageTo(r.email("boss"), Duration.ofSeconds(20));
        assertThat(ended.subject()).isEqualTo(shownName(r) + ": technical support access ended");
        assertThat(ended.text()).contains("ended at ").contains("as scheduled");
        JsonNode offWhat = Json.parse(supportEvents(r).get(0).get("representation").asText());
        assertThat(offWhat.get("reason").asText()).isEqualTo("expired");
        assertThat(supportRolesIn(r)).isEmpty();
    }

    @Test
    void onlyAnAdminWithManageRealmOfThatRealmTurnsItOn() {
        TestRealm target = customerRealm("support-target");
        TestRealm other = customerRealm("support-other");
        AdminClient otherBoss = boss(other);

        assertThat(target.putSettings(otherBoss, Map.of("supportAccessMinutes", 60)).status())
                .as("another realm's admin").isEqualTo(403);

        // a user of the realm who may view it but not manage it
        String viewerId = target.addUser("viewer", "viewer-pw");
        String rm = target.admin.ok(target.admin.get("/" + target.name + "/clients?clientId=realm-management")).get(0).get("id").asText();
        JsonNode viewRealm = target.admin.ok(target.admin.get("/" + target.name + "/clients/" + rm + "/roles/view-realm"));
        target.admin.ok(target.admin.post("/" + target.name + "/users/" + viewerId + "/role-mappings/clients/" + rm, List.of(viewRealm)));
        AdminClient viewer = AdminClient.passwordGrant(kc, target.name, "viewer", "viewer-pw");
        assertThat(viewer.get("/" + target.name + "/twofactor/settings").status()).isEqualTo(200);
        assertThat(target.putSettings(viewer, Map.of("supportAccessMinutes", 60)).status()).as("view-realm only").isEqualTo(403);

        assertThat(supportRolesIn(target)).isEmpty();
        assertThat(target.settings().get("supportAccessUntil").isNull()).isTrue();
        assertThat(as(supporter).get("/" + target.name + "/users").status()).isEqualTo(403);
    }

    @Test
    void membersOfOtherGroupsGetNothingWhileItIsOn() {
        TestRealm r = customerRealm("support-groups");
        AdminClient boss = boss(r);
        boss.ok(r.putSettings(boss, Map.of("supportAccessMinutes", 60)));
        assertThat(as(supporter).get("/" + r.name + "/users").status()).isEqualTo(200);

        assertThat(as(otherStaff).get("/" + r.name + "/users").status()).as("a member of another group").isEqualTo(403);
        assertThat(as(otherStaff).get("/" + r.name).status()).isEqualTo(403);
        assertThat(as(defaultNamedStaff).get("/" + r.name + "/users").status())
                .as("the group with the default name, which this server's option replaced").isEqualTo(403);

        boss.ok(r.putSettings(boss, Map.of("supportAccessMinutes", 0)));
    }

    @Test
    void badValuesAreRefusedAndChangeNothing() {
        TestRealm r = customerRealm("support-input");
        AdminClient boss = boss(r);
        for (Object bad : List.of(-1, 10081, "60", 1.5, true)) {
            HttpAnswer answer = r.putSettings(boss, Map.of("supportAccessMinutes", bad, "codeLength", 8));
            assertThat(answer.status()).as(String.valueOf(bad)).isEqualTo(400);
            assertThat(answer.json().get("field").asText()).isEqualTo("supportAccessMinutes");
        }
        assertThat(r.settings().get("supportAccessUntil").isNull()).isTrue();
        assertThat(r.settings().get("codeLength").asInt()).as("nothing of the refused save was kept").isEqualTo(6);
        assertThat(supportRolesIn(r)).isEmpty();

        // the read-only end sent back with a GET answer is ignored, not refused and not stored
        JsonNode saved = boss.ok(r.putSettings(boss, Map.of("supportAccessUntil", "2099-01-01T00:00:00Z")));
        assertThat(saved.get("supportAccessUntil").isNull()).isTrue();

        // Keycloak's own realm update cannot open or stretch a window: the end is kept in the master realm
        boss.ok(boss.put("/" + r.name, Map.of("attributes", Map.of("twofactor.supportAccessUntil", "2099-01-01T00:00:00Z"))));
        assertThat(r.settings().get("supportAccessUntil").isNull()).isTrue();
        assertThat(as(supporter).get("/" + r.name + "/users").status()).isEqualTo(403);

        HttpAnswer onMaster = master().put("/master/twofactor/settings", Map.of("supportAccessMinutes", 60));
        assertThat(onMaster.status()).isEqualTo(400);
        assertThat(onMaster.json().get("error").asText()).contains("master realm");
    }

    @Test
    void serverInfoShowsTheSupportOptions() {
        AdminClient master = master();
        JsonNode info = master.ok(master.get(kc.baseUrl() + "/admin/serverinfo"));
        JsonNode options = info.at("/providers/authenticator/providers/twofactor-authenticator/operationalInfo");
        assertThat(options.get("support-group").asText()).isEqualTo(ExtraServerOptions.SUPPORT_GROUP);
        assertThat(options.get("support-check-interval-seconds").asText()).isEqualTo(String.valueOf(ExtraServerOptions.SUPPORT_CHECK_SECONDS));
    }
}
