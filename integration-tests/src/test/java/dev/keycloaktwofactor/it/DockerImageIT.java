package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.AdminClient;
import com.fasterxml.jackson.databind.JsonNode;
import dasniko.testcontainers.keycloak.KeycloakContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The image of docker/Dockerfile, built from this repository, started the way docker/compose.yml starts it
 * (PostgreSQL beside it), with testcontainers-keycloak. Needs a Docker engine: where none is reachable the test
 * reports itself skipped, saying so. Nothing else in the suite depends on Docker.
 */
class DockerImageIT {

    private static Network network;
    private static GenericContainer<?> postgres;
    private static KeycloakContainer keycloak;

    /** @param target the Dockerfile's target, or null for its default (the production image) */
    private static void startImage(String target) {
        Path root = Paths.get(System.getProperty("twofactor.realm.config")).getParent();
        ImageFromDockerfile build = new ImageFromDockerfile("keycloak-twofactor-it-" + (target == null ? "default" : target), false)
                .withFileFromPath(".", root)
                .withDockerfile(root.resolve("docker/Dockerfile"));
        if (target != null) {
            build = build.withTarget(target);
        }
        String image = build.get();
        network = Network.newNetwork();
        postgres = new GenericContainer<>("postgres:17").withNetwork(network).withNetworkAliases("postgres")
                .withEnv(Map.of("POSTGRES_DB", "keycloak", "POSTGRES_USER", "keycloak", "POSTGRES_PASSWORD", "keycloak"))
                .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*", 2));
        postgres.start();
        keycloak = new KeycloakContainer(image)
                .withNetwork(network)
                .withEnv(Map.of("KC_DB_URL", "jdbc:postgresql://postgres:5432/keycloak",
                        "KC_DB_USERNAME", "keycloak", "KC_DB_PASSWORD", "keycloak"))
                .withProductionMode()
                .withCustomCommand("--optimized --import-realm --http-enabled=true --hostname-strict=false");
        keycloak.start();
    }

    @AfterEach
    void stop() {
        if (keycloak != null) {
            keycloak.stop();
        }
        if (postgres != null) {
            postgres.stop();
        }
        if (network != null) {
            network.close();
        }
        keycloak = null;
        postgres = null;
        network = null;
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    @Test
    void theDemoImageRunsTheProvidersAndImportsTheDemoRealmWithItsPolicy() {
        assumeTrue(dockerAvailable(), "No Docker engine reachable here: the image of docker/Dockerfile was not built or tested");
        startImage("demo");
        AdminClient admin = new AdminClient(keycloak.getAuthServerUrl(), keycloak.getKeycloakAdminClient().tokenManager().getAccessTokenString());
        JsonNode info = admin.ok(admin.get(keycloak.getAuthServerUrl() + "/admin/serverinfo"));
        assertThat(info.at("/providers/authenticator/providers/twofactor-authenticator").isObject()).isTrue();
        assertThat(info.at("/providers/twofactor-sms/providers/log").isObject()).isTrue();
        JsonNode realm = admin.ok(admin.get("/twofactor-demo"));
        assertThat(realm.get("browserFlow").asText()).isEqualTo("browser with two-factor");
        assertThat(realm.at("/smtpServer/host").asText()).isEqualTo("localhost");
        admin.ok(admin.put("/master/twofactor/settings", Map.of("smsActivated", true)));
        assertThat(admin.ok(admin.get("/master/twofactor/settings")).get("smsAvailable").asBoolean())
                .as("the demo's log provider is chosen explicitly").isTrue();
    }

    @Test
    void theProductionImageHasTheProviderButNoDemoRealmAndNoSms() {
        assumeTrue(dockerAvailable(), "No Docker engine reachable here: the image of docker/Dockerfile was not built or tested");
        startImage(null);
        AdminClient admin = new AdminClient(keycloak.getAuthServerUrl(), keycloak.getKeycloakAdminClient().tokenManager().getAccessTokenString());
        JsonNode info = admin.ok(admin.get(keycloak.getAuthServerUrl() + "/admin/serverinfo"));
        assertThat(info.at("/providers/authenticator/providers/twofactor-authenticator").isObject()).isTrue();
        assertThat(admin.get("/twofactor-demo").status()).as("no demo realm with known passwords").isEqualTo(404);
        admin.ok(admin.put("/master/twofactor/settings", Map.of("smsActivated", true)));
        assertThat(admin.ok(admin.get("/master/twofactor/settings")).get("smsAvailable").asBoolean())
                .as("no SMS provider: texts stay off until the operator picks one").isFalse();
    }
}
