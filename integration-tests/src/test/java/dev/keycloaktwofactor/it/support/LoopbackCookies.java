package dev.keycloaktwofactor.it.support;

import java.net.CookieHandler;
import java.net.HttpCookie;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A browser's cookie jar for a server on localhost. Keycloak marks its cookies {@code Secure}; browsers treat
 * http://localhost as a secure context and send them, while the JDK's CookieManager would not.
 */
public final class LoopbackCookies extends CookieHandler {

    private final Map<String, HttpCookie> jar = new ConcurrentHashMap<>();

    public LoopbackCookies copy() {
        LoopbackCookies copy = new LoopbackCookies();
        copy.jar.putAll(jar);
        return copy;
    }

    /** The names of the cookies held now (expired ones dropped). */
    public java.util.Set<String> names() {
        jar.values().removeIf(HttpCookie::hasExpired);
        java.util.Set<String> names = new java.util.TreeSet<>();
        jar.values().forEach(c -> names.add(c.getName()));
        return names;
    }

    @Override
    public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
        String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        List<String> pairs = new ArrayList<>();
        jar.values().removeIf(HttpCookie::hasExpired);
        for (HttpCookie c : jar.values()) {
            String cookiePath = c.getPath() == null ? "/" : c.getPath();
            if (path.startsWith(cookiePath)) {
                pairs.add(c.getName() + "=" + c.getValue());
            }
        }
        return pairs.isEmpty() ? Map.of() : Map.of("Cookie", List.of(String.join("; ", pairs)));
    }

    @Override
    public void put(URI uri, Map<String, List<String>> responseHeaders) {
        responseHeaders.forEach((name, values) -> {
            if (name == null || !name.equalsIgnoreCase("Set-Cookie")) {
                return;
            }
            for (String header : values) {
                for (HttpCookie c : HttpCookie.parse(header)) {
                    String key = c.getName() + "|" + (c.getPath() == null ? "/" : c.getPath());
                    if (c.getMaxAge() == 0) {
                        jar.remove(key);
                    } else {
                        jar.put(key, c);
                    }
                }
            }
        });
    }
}
