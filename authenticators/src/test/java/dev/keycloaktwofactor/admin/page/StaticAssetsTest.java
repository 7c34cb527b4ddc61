package dev.keycloaktwofactor.admin.page;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class StaticAssetsTest {

    @Test
    void madeUpNamesAreNotFoundAndNotKept() throws Exception {
        Path root = Files.createTempDirectory("assets");
        Files.createDirectories(root.resolve("page"));
        Files.writeString(root.resolve("page/app.js"), "export {};", StandardCharsets.UTF_8);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
            StaticAssets assets = new StaticAssets("page/", loader);
            for (int i = 0; i < 1000; i++) {
                assertThat(assets.get("made-up-" + i + ".js")).isEmpty();
            }
            assertThat(assets.cachedCount()).as("an anonymous visitor cannot grow the server's memory").isZero();
            assertThat(assets.get("app.js")).isPresent();
            assertThat(assets.get("app.js")).isPresent();
            assertThat(assets.cachedCount()).isEqualTo(1);
        }
    }
}
