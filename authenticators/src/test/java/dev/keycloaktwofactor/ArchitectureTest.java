package dev.keycloaktwofactor;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the package layout honest: from a file's package a reader knows what it may use. Reads the main sources,
 * draws the package graph from their imports and fully-qualified references (comments included), and fails on any
 * package cycle, on any reference up the layers below, and on a package that no layer names.
 */
class ArchitectureTest {

    /**
     * The layers, top to bottom. A package may use its own layer and the layers below it, never one above; inside a
     * layer the packages may use each other as long as no cycle forms (checked separately).
     * <ol>
     *   <li>wiring: provider factories, flow binding and the reconciler, the realm and phone watches, the admin REST
     *       API and its page, support access;</li>
     *   <li>flows: what Keycloak calls in a login (the policy step, the required actions, the direct grant and CIBA
     *       guards, the allowlist step);</li>
     *   <li>factors: the second factors themselves (app, email code, SMS code, phone confirmation);</li>
     *   <li>channels: email and SMS delivery, and the metrics that wrap them;</li>
     *   <li>the code engine: codes, waits, caps, locks and their store;</li>
     *   <li>the model: settings and method, refusals, phone numbers and their rules, IP ranges; and the Keycloak
     *       release shims.</li>
     * </ol>
     */
    static final List<Set<String>> LAYERS = List.of(
            Set.of("wiring", "admin", "admin.page", "support"),
            Set.of("flow"),
            Set.of("factor"),
            Set.of("email", "sms", "metrics"),
            Set.of("code"),
            Set.of("phone", "model", "compat"));

    private static final String ROOT = "dev.keycloaktwofactor.";
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("dev\\.keycloaktwofactor\\.((?:[a-z]\\w*\\.)*[a-z]\\w*)\\.[A-Z]");

    /** package -> package it uses -> the files that make the edge (for the failure message). */
    static Map<String, Map<String, Set<String>>> graph(Path sources) throws IOException {
        Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                Matcher p = PACKAGE.matcher(text);
                assertThat(p.find()).as("package line of %s", file).isTrue();
                String from = p.group(1).startsWith(ROOT) ? p.group(1).substring(ROOT.length()) : p.group(1);
                Map<String, Set<String>> out = graph.computeIfAbsent(from, k -> new TreeMap<>());
                Matcher r = REFERENCE.matcher(text);
                while (r.find()) {
                    String to = r.group(1);
                    if (!to.equals(from) && !to.startsWith("shaded")) {
                        out.computeIfAbsent(to, k -> new TreeSet<>()).add(file.getFileName().toString());
                    }
                }
            }
        }
        return graph;
    }

    static Path mainSources() {
        Path here = Path.of("src/main/java");
        return Files.isDirectory(here) ? here : Path.of("authenticators/src/main/java");
    }

    static int layer(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(pkg)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void everyPackageHasALayer() throws IOException {
        Set<String> unplaced = new TreeSet<>();
        graph(mainSources()).forEach((pkg, out) -> {
            if (layer(pkg) < 0) {
                unplaced.add(pkg);
            }
            out.keySet().stream().filter(to -> layer(to) < 0).forEach(unplaced::add);
        });
        assertThat(unplaced).as("packages that no layer names (add them to LAYERS)").isEmpty();
    }

    @Test
    void noPackageUsesALayerAboveIt() throws IOException {
        List<String> upward = new ArrayList<>();
        graph(mainSources()).forEach((pkg, out) -> out.forEach((to, files) -> {
            if (layer(pkg) >= 0 && layer(to) >= 0 && layer(to) < layer(pkg)) {
                upward.add(pkg + " -> " + to + " in " + files);
            }
        }));
        assertThat(upward).as("references up the layers").isEmpty();
    }

    @Test
    void noPackageCycle() throws IOException {
        Map<String, Map<String, Set<String>>> graph = graph(mainSources());
        List<String> cycles = new ArrayList<>();
        for (String start : graph.keySet()) {
            cycle(graph, start, new ArrayList<>(List.of(start)), cycles);
        }
        assertThat(cycles).as("package cycles").isEmpty();
    }

    /** Depth-first from start; records each cycle through start once, from its smallest package. */
    private static void cycle(Map<String, Map<String, Set<String>>> graph, String start, List<String> path,
            List<String> cycles) {
        String last = path.get(path.size() - 1);
        for (String next : graph.getOrDefault(last, Map.of()).keySet()) {
            if (next.equals(start)) {
                cycles.add(String.join(" -> ", path) + " -> " + start);
            } else if (next.compareTo(start) > 0 && !path.contains(next)) {
                path.add(next);
                cycle(graph, start, path, cycles);
                path.remove(path.size() - 1);
            }
        }
    }
}
