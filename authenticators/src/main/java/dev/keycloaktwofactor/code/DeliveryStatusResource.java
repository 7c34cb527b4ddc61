package dev.keycloaktwofactor.code;

import dev.keycloaktwofactor.compat.RealmResourceFactory;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.sessions.RootAuthenticationSessionModel;

import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /realms/{realm}/twofactor-delivery/{token}}: where the code page's send stands, {@code {"state":
 * "pending" | "sent" | "failed"}}, for the code page's own small poll. Answered only to the browser of that login
 * (its authentication-session cookie); any other token or browser gets the same 404. Never cached.
 */
public class DeliveryStatusResource {

    public static final String PROVIDER_ID = "twofactor-delivery";

    private final KeycloakSession session;

    DeliveryStatusResource(KeycloakSession session) {
        this.session = session;
    }

    @GET
    @Path("{token}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response state(@PathParam("token") String token) {
        RealmModel realm = session.getContext().getRealm();
        DeliveryState.Status status = null;
        if (token != null && token.matches("[0-9a-f-]{36}") && realm != null) {
            RootAuthenticationSessionModel root = new AuthenticationSessionManager(session).getCurrentRootAuthenticationSession(realm);
            status = root == null ? null : DeliveryState.read(session.singleUseObjects(), token, root.getId());
        }
        Response.ResponseBuilder answer = status == null
                ? Response.status(Response.Status.NOT_FOUND).entity(Map.of("error", "No such delivery for this login.", "code", "delivery_unknown"))
                : Response.ok(Map.of("state", status.name().toLowerCase(Locale.ROOT)));
        return answer.type(MediaType.APPLICATION_JSON).header("Cache-Control", "no-store").build();
    }

    public static class Factory extends RealmResourceFactory {

        public Factory() {
            super(PROVIDER_ID);
        }

        @Override
        protected Object resource(KeycloakSession session) {
            return new DeliveryStatusResource(session);
        }
    }
}
