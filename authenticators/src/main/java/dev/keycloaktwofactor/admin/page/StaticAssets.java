package dev.keycloaktwofactor.admin.page;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The page's files, read once from the classpath and kept in memory (a few tens of kilobytes).
 * Only flat names with a known extension are ever looked up, so no path can leave the folder.
 */
final class StaticAssets {

    /** One name, no folders: letters, digits, '-', '_' and dots between them, ending in a known extension. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*(?:\\.[A-Za-z0-9_-]+)*\\.(html|js|css|svg|png|ico|json|txt)");

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json; charset=utf-8",
            "txt", "text/plain; charset=utf-8");

    record Asset(byte[] bytes, String contentType, String etag) {
    }

    private static final Asset MISSING = new Asset(new byte[0], "", "");

    private final String folder;
    private final ClassLoader loader;
    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    StaticAssets(String folder, ClassLoader loader) {
        this.folder = folder;
        this.loader = loader;
    }

    static boolean isValidName(String name) {
        return name != null && name.length() <= 100 && NAME.matcher(name).matches();
    }

    Optional<Asset> get(String name) {
        if (!isValidName(name)) {
            return Optional.empty();
        }
        Asset asset = cache.get(name);
        if (asset == null) {
            asset = load(name);
            if (asset == MISSING) {
                return Optional.empty(); // not kept: made-up names must not grow the cache
            }
            cache.putIfAbsent(name, asset);
        }
        return Optional.of(asset);
    }

    /** How many files are kept in memory: at most the page's own files. */
    int cachedCount() {
        return cache.size();
    }

    private Asset load(String name) {
        try (InputStream in = loader.getResourceAsStream(folder + name)) {
            if (in == null) {
                return MISSING;
            }
            byte[] bytes = in.readAllBytes();
            String extension = name.substring(name.lastIndexOf('.') + 1);
            return new Asset(bytes, TYPES.get(extension), etag(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            return "\"" + Integer.toHexString(new String(bytes, StandardCharsets.ISO_8859_1).hashCode()) + "\"";
        }
    }
}
