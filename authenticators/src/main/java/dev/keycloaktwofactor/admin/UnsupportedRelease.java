package dev.keycloaktwofactor.admin;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * {@code /admin/realms/{realm}/twofactor/...} on a Keycloak release this JAR does not support: every call answers
 * 503 with the reason, rather than half-working until a missing method turns into a 500.
 */
public class UnsupportedRelease {

    private final String reason;

    UnsupportedRelease(String reason) {
        this.reason = reason;
    }

    @GET
    @Path("{any: .*}")
    public Response get() {
        return refuse();
    }

    @PUT
    @Path("{any: .*}")
    public Response put() {
        return refuse();
    }

    @POST
    @Path("{any: .*}")
    public Response post() {
        return refuse();
    }

    @DELETE
    @Path("{any: .*}")
    public Response delete() {
        return refuse();
    }

    private Response refuse() {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", reason, "code", "keycloak_version_unsupported"))
                .build();
    }
}
