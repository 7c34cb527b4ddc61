package dev.keycloaktwofactor.it;

import com.fasterxml.jackson.databind.JsonNode;
import dasniko.testcontainers.keycloak.KeycloakContainer;
import org.junit.jupiter.api.AfterAll;
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

    private static void startImage() {
        Path root = Paths.get(System.getProperty("twofactor.realm.config")).getParent();
        String image = new ImageFromDockerfile("keycloak-twofactor-it", false)
                .withFileFromPath(".", root)
                .withDockerfile(root.resolve("docker/Dockerfile"))
                .get();
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

    @AfterAll
    static void stop() {
        if (keycloak != null) {
            keycloak.stop();
        }
        if (postgres != null) {
            postgres.stop();
        }
        if (network != null) {
            network.close();
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    @Test
    void theImageRunsTheProvidersAndImportsTheDemoRealmWithItsPolicy() {
        assumeTrue(dockerAvailable(), "No Docker engine reachable here: the image of docker/Dockerfile was not built or tested");
        startImage();
        AdminClient admin = new AdminClient(keycloak.getAuthServerUrl(), keycloak.getKeycloakAdminClient().tokenManager().getAccessTokenString());
        JsonNode info = admin.ok(admin.get(keycloak.getAuthServerUrl() + "/admin/serverinfo"));
        assertThat(info.at("/providers/authenticator/providers/twofactor-authenticator").isObject()).isTrue();
        assertThat(info.at("/providers/twofactor-sms/providers/log").isObject()).isTrue();
        JsonNode realm = admin.ok(admin.get("/twofactor-demo"));
        assertThat(realm.get("browserFlow").asText()).isEqualTo("browser with two-factor");
        assertThat(realm.at("/smtpServer/host").asText()).isEqualTo("localhost");
    }
}
