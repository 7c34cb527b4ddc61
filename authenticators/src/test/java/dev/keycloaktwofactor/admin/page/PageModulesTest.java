package dev.keycloaktwofactor.admin.page;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Security page stays in small native ES modules (no build step): every module of admin-ui-theme/twofactor-admin
 * is at most {@value #MAX_LINES} lines, and every module the page loads — the index's script and everything it
 * imports, transitively — is a flat name of that folder that the server actually serves (a module that is missing
 * or has a name {@link StaticAssets} refuses would break the page in the browser with a 404), and no module imports
 * back along the chain that imports it.
 */
class PageModulesTest {

    static final int MAX_LINES = 250;

    /**
     * Modules kept whole as they were before the page was split (issue 14), each with a ceiling so that they do not
     * grow: i18n.js is the shared en/ru dictionary (a section brings its own words, as caps.js does), oidc.js the
     * sign-in client.
     */
    static final Map<String, Integer> KEPT = Map.of("i18n.js", 540, "oidc.js", 270);

    /** import ... from "x", export ... from "x", import "x", import("x"). */
    private static final Pattern IMPORT = Pattern.compile(
            "(?:\\bimport\\s*(?:[\\w$*{},\\s]+?\\s*from\\s*)?|\\bexport\\s*[\\w$*{},\\s]+?\\s*from\\s*|\\bimport\\s*\\(\\s*)[\"']([^\"']+)[\"']");
    private static final Pattern SCRIPT = Pattern.compile("<script\\b[^>]*\\bsrc=\"([^\"]+)\"");

    private static Path sources() {
        String basedir = System.getProperty("basedir", ".");
        Path dir = Path.of(basedir).resolve("../admin-ui-theme/twofactor-admin").normalize();
        assertThat(dir).as("the page's sources").isDirectory();
        return dir;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(file + ": " + e, e);
        }
    }

    static List<String> specifiers(String module) {
        List<String> found = new ArrayList<>();
        Matcher m = IMPORT.matcher(module.replaceAll("(?m)^\\s*//.*$", ""));
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    @Test
    void everyModuleIsSmall() throws IOException {
        List<String> tooLong = new ArrayList<>();
        List<String> modules;
        try (Stream<Path> files = Files.list(sources())) {
            modules = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".js")).sorted().toList();
        }
        assertThat(modules).contains("app.js", "dom.js", "state.js", "settings.js", "users.js", "phone-dialog.js", "support.js");
        for (String name : modules) {
            long lines = read(sources().resolve(name)).lines().count();
            int limit = KEPT.getOrDefault(name, MAX_LINES);
            if (lines > limit) {
                tooLong.add(name + " has " + lines + " lines (at most " + limit + ")");
            }
        }
        assertThat(tooLong).as("split a module that grows past the limit; the page's modules are plain ES modules").isEmpty();
    }

    /** The modules the index loads, transitively, each with the page modules it imports; problems as words. */
    private static Map<String, List<String>> loadedModules(List<String> problems) {
        StaticAssets served = new StaticAssets(AdminPageProviderFactory.FOLDER, PageModulesTest.class.getClassLoader());
        Matcher script = SCRIPT.matcher(read(sources().resolve("index.html")));
        Deque<String> toVisit = new ArrayDeque<>();
        while (script.find()) {
            toVisit.add(script.group(1));
        }
        assertThat(toVisit).as("the index loads the page's entry module").contains("app.js");
        Map<String, List<String>> graph = new LinkedHashMap<>();
        while (!toVisit.isEmpty()) {
            String name = toVisit.poll();
            if (graph.containsKey(name)) {
                continue;
            }
            List<String> imports = new ArrayList<>();
            graph.put(name, imports);
            if (!StaticAssets.isValidName(name) || served.get(name).isEmpty()) {
                problems.add(name + " is not served");
                continue;
            }
            for (String spec : specifiers(read(sources().resolve(name)))) {
                if (!spec.startsWith("./") || spec.substring(2).contains("/")) {
                    problems.add(name + " imports \"" + spec + "\": only ./name.js from the page's own folder is served");
                } else {
                    imports.add(spec.substring(2));
                    toVisit.add(spec.substring(2));
                }
            }
        }
        return graph;
    }

    @Test
    void everyModuleThePageLoadsIsServed() {
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> graph = loadedModules(problems);
        assertThat(problems).isEmpty();
        assertThat(graph.keySet()).as("the split modules are loaded by the page")
                .contains("dom.js", "state.js", "session.js", "settings.js", "users.js", "user-rows.js", "phone-dialog.js",
                        "realms.js", "deauthorize.js", "support.js", "readiness.js", "caps.js", "phones.js",
                        "api.js", "oidc.js", "i18n.js");
    }

    /** Sections import helpers below them, never back: a cycle means two modules share what belongs in a third. */
    @Test
    void noModuleImportsBack() {
        Map<String, List<String>> graph = loadedModules(new ArrayList<>());
        List<String> cycles = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (String start : graph.keySet()) {
            findCycles(start, graph, new ArrayList<>(), done, cycles);
        }
        assertThat(cycles).isEmpty();
    }

    private static void findCycles(String module, Map<String, List<String>> graph, List<String> path, Set<String> done,
            List<String> cycles) {
        int at = path.indexOf(module);
        if (at >= 0) {
            cycles.add(String.join(" -> ", path.subList(at, path.size())) + " -> " + module);
            return;
        }
        if (done.contains(module)) {
            return;
        }
        path.add(module);
        for (String imported : graph.getOrDefault(module, List.of())) {
            findCycles(imported, graph, path, done, cycles);
        }
        path.remove(path.size() - 1);
        done.add(module);
    }

    @Test
    void importsAreFoundInEveryForm() {
        assertThat(specifiers("import { a, b } from \"./a.js\";\nimport * as x from './b.js';\nimport \"./c.js\";\n"
                + "export { d } from \"./d.js\";\nconst e = await import(\"./e.js\");\n// import { f } from \"./f.js\";\n"
                + "const from = 1; const s = \"import nothing\";"))
                .containsExactly("./a.js", "./b.js", "./c.js", "./d.js", "./e.js");
    }
}
