package dev.keycloaktwofactor.flow;

import dev.keycloaktwofactor.model.TwoFactorSettings;
import org.keycloak.OAuthErrorException;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.events.EventBuilder;
import org.keycloak.forms.login.LoginFormsProvider;

import jakarta.ws.rs.core.Response;

/**
 * The realm's login IP allowlist, checked before any password. The address is Keycloak's view of the client:
 * the TCP peer, or a forwarded header only when the server is configured to trust a proxy ({@code --proxy-headers}).
 * Anyone outside the list gets the same generic refusal, and an event records the address.
 */
public class IpAllowlistStep extends PolicyStep {

    public static final String PROVIDER_ID = "twofactor-ip-allowlist";
    public static final String DIRECT_GRANT_PROVIDER_ID = "twofactor-ip-allowlist-direct-grant";
    static final String EVENT_ERROR = "twofactor_ip_not_allowed";

    public static class Factory extends FlowStepFactory {
        public Factory() {
            super(PROVIDER_ID, "Two-factor: login IP allowlist",
                    "Refuses the login before the password when the client address is not in the realm's IP allowlist.",
                    new IpAllowlistStep(false));
        }
    }

    public static class DirectGrantFactory extends FlowStepFactory {
        public DirectGrantFactory() {
            super(DIRECT_GRANT_PROVIDER_ID, "Two-factor: login IP allowlist (direct grant)",
                    "Refuses the direct grant before the password when the client address is not in the realm's IP allowlist.",
                    new IpAllowlistStep(true));
        }
    }

    private final boolean directGrant;

    IpAllowlistStep(boolean directGrant) {
        this.directGrant = directGrant;
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        String address = context.getConnection().getRemoteAddr();
        if (TwoFactorSettings.of(context.getRealm()).allowlist().permits(address)) {
            context.success();
            return;
        }
        Response refusal;
        if (directGrant) {
            context.getEvent().detail("twofactor_address", address).error(EVENT_ERROR);
            refusal = oauthError(Response.Status.FORBIDDEN, OAuthErrorException.ACCESS_DENIED, "Sign-in from this network is not allowed.");
        } else {
            refusal = refusalPage(context.getEvent(), context.form(), address);
        }
        context.failure(AuthenticationFlowError.ACCESS_DENIED, refusal);
    }

    /**
     * The generic refusal a browser gets from outside the list, and the event that records the address; also used
     * where a login skipped this step (single sign-on, an identity provider) and the policy action refuses it.
     */
    public static Response refusalPage(EventBuilder event, LoginFormsProvider form, String address) {
        event.detail("twofactor_address", address).error(EVENT_ERROR);
        return form.setError("twofactorAccessDenied").createErrorPage(Response.Status.FORBIDDEN);
    }
}
