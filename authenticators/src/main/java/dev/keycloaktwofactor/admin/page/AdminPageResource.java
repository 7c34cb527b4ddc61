package dev.keycloaktwofactor.admin.page;

import org.keycloak.headers.SecurityHeadersProvider;
import org.keycloak.models.KeycloakSession;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.net.URI;
import java.util.Optional;

/**
 * {@code /realms/{realm}/twofactor-admin/}: the Security page's files. No sign-in here: the files are public and
 * every piece of data comes from the admin REST API with the admin's own token. Serving them writes nothing: the
 * page's client is made by authenticated actions ({@link PageClient#ensureHere}).
 */
public class AdminPageResource {

    static final String CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'";
    private static final String INDEX = "index.html";

    private final KeycloakSession session;
    private final StaticAssets assets;

    AdminPageResource(KeycloakSession session, StaticAssets assets) {
        this.session = session;
        this.assets = assets;
    }

    /** The bare path: {@code .../twofactor-admin} redirects to {@code .../twofactor-admin/}, which is the page. */
    @GET
    public Response index() {
        skipDefaultHeaders();
        URI request = session.getContext().getUri().getRequestUri();
        String path = request.getRawPath();
        if (path == null || !path.endsWith("/")) {
            return toSlashForm(request);
        }
        Optional<StaticAssets.Asset> page = assets.get(INDEX);
        if (page.isEmpty()) {
            return notFound();
        }
        return secured(Response.ok(page.get().bytes(), page.get().contentType()))
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .build();
    }

    @GET
    @Path("{file}")
    public Response file(@PathParam("file") String file, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        skipDefaultHeaders();
        if (INDEX.equals(file)) {
            // one address for the page: the one registered as the client's redirect URI
            URI request = session.getContext().getUri().getRequestUri();
            String path = request.getRawPath();
            return toSlashForm(UriBuilder.fromUri(request).replacePath(path.substring(0, path.length() - INDEX.length() - 1)).build());
        }
        Optional<StaticAssets.Asset> asset = assets.get(file);
        if (asset.isEmpty()) {
            return notFound();
        }
        StaticAssets.Asset a = asset.get();
        if (ifNoneMatch != null && ifNoneMatch.contains(a.etag())) {
            return secured(Response.notModified()).header(HttpHeaders.ETAG, a.etag())
                    .header(HttpHeaders.CACHE_CONTROL, "no-cache").build();
        }
        return secured(Response.ok(a.bytes(), a.contentType()))
                .header(HttpHeaders.ETAG, a.etag())
                .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .build();
    }

    private Response toSlashForm(URI request) {
        URI target = UriBuilder.fromUri(request).replacePath(request.getRawPath() + "/").build();
        return secured(Response.status(Response.Status.FOUND).location(target))
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .build();
    }

    private Response notFound() {
        return secured(Response.status(Response.Status.NOT_FOUND).entity("Not found").type("text/plain; charset=utf-8"))
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .build();
    }

    /** Our own headers, in full: Keycloak's defaults for HTML would replace this page's stricter policy. */
    private static Response.ResponseBuilder secured(Response.ResponseBuilder builder) {
        return builder
                .header("Content-Security-Policy", CSP)
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Robots-Tag", "none")
                .header("Cross-Origin-Opener-Policy", "same-origin");
    }

    private void skipDefaultHeaders() {
        SecurityHeadersProvider headers = session.getProvider(SecurityHeadersProvider.class);
        if (headers != null) {
            headers.options().skipHeaders();
        }
    }
}
