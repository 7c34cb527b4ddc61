package dev.keycloaktwofactor.it.support;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a browser does with Keycloak's login pages, over plain HTTP: cookies, redirects, and form posts with the
 * fields the page really has. It stops following redirects at the client's redirect URI, where the code arrives.
 */
public final class Browser {

    private final HttpClient http;
    private final String stopAt;
    private final LoopbackCookies cookies;
    /** Where each request really goes (the cluster tests pick a node per request); the identity otherwise. */
    private volatile java.util.function.UnaryOperator<URI> route;

    public Browser(String stopAt) {
        this(stopAt, new LoopbackCookies(), java.util.function.UnaryOperator.identity());
    }

    private Browser(String stopAt, LoopbackCookies cookies, java.util.function.UnaryOperator<URI> route) {
        this.stopAt = stopAt;
        this.cookies = cookies;
        this.route = route;
        this.http = HttpClient.newBuilder()
                .cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    public record Page(int status, URI url, String body, URI redirect) {

        public Document doc() {
            return Jsoup.parse(body, url.toString());
        }

        /** True once the login is over and the browser was sent back to the application. */
        public boolean isRedirectToClient() {
            return redirect != null;
        }

        public String queryParam(String name) {
            String query = redirect == null ? null : redirect.getRawQuery();
            if (query == null) {
                return null;
            }
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals(name)) {
                    return java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return status + " " + url + (redirect != null ? " -> " + redirect : "\n" + doc().text());
        }
    }

    /** Another tab or a replayed request: the same cookies as now, going their own way from here. */
    public Browser fork() {
        return new Browser(stopAt, cookies.copy(), route);
    }

    /**
     * From now on each request goes where {@code route} sends its URL (pages and redirects keep naming the URL the
     * server wrote); returns this browser.
     */
    public Browser routed(java.util.function.UnaryOperator<URI> route) {
        this.route = route;
        return this;
    }

    /**
     * {@code n} posts at once, each from its own tab (a fork of this browser, as a double click or a replay would
     * send it); {@code post} gets the tab and the post's index. Returns the pages in the order of the posts.
     */
    public java.util.List<Page> inParallel(int n, java.util.function.BiFunction<Browser, Integer, Page> post) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            java.util.List<java.util.concurrent.Future<Page>> posts = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                Browser tab = fork();
                int index = i;
                posts.add(pool.submit(() -> post.apply(tab, index)));
            }
            java.util.List<Page> pages = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<Page> f : posts) {
                pages.add(f.get());
            }
            return pages;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** The Cookie header this browser would send to {@code url}. */
    public String cookieHeader(String url) {
        return String.join("; ", cookies.get(URI.create(url), Map.of()).getOrDefault("Cookie", java.util.List.of()));
    }

    public java.util.Set<String> cookieNames() {
        return cookies.names();
    }

    public Page open(String url) {
        return follow(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    /** Submits the page's form {@code formSelector} with its own fields, {@code fields} overriding or adding. */
    public Page submit(Page page, String formSelector, Map<String, String> fields) {
        Element form = page.doc().selectFirst(formSelector);
        if (form == null) {
            throw new AssertionError("No form " + formSelector + " on " + page);
        }
        Map<String, String> data = new LinkedHashMap<>();
        for (Element input : form.select("input[name]")) {
            String type = input.attr("type");
            if ((type.equals("checkbox") || type.equals("radio")) && !input.hasAttr("checked")) {
                continue;
            }
            if (type.equals("submit")) {
                continue;
            }
            data.put(input.attr("name"), input.val());
        }
        data.putAll(fields);
        return post(form.absUrl("action"), data);
    }

    public Page post(String url, Map<String, String> data) {
        return follow(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(AdminClient.formEncode(data))).build());
    }

    private Page follow(HttpRequest request) {
        try {
            for (int hops = 0; hops < 20; hops++) {
                URI target = route.apply(request.uri());
                HttpResponse<String> r = http.send(target.equals(request.uri()) ? request
                        : HttpRequest.newBuilder(request, (name, value) -> true).uri(target).build(), HttpResponse.BodyHandlers.ofString());
                String location = r.headers().firstValue("Location").orElse(null);
                if (r.statusCode() / 100 == 3 && location != null) {
                    URI next = request.uri().resolve(location);
                    if (stopAt != null && next.toString().startsWith(stopAt)) {
                        return new Page(r.statusCode(), request.uri(), r.body(), next);
                    }
                    request = HttpRequest.newBuilder(next).GET().build();
                    continue;
                }
                return new Page(r.statusCode(), request.uri(), r.body(), null);
            }
            throw new AssertionError("Too many redirects from " + request.uri());
        } catch (IOException e) {
            throw new IllegalStateException(request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
