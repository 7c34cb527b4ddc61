package dev.keycloaktwofactor.flow;

import dev.keycloaktwofactor.compat.PlainFactory;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.provider.ProviderConfigProperty;

import java.util.List;

/**
 * The factory of every step that the flow binding ({@code wiring.FlowBinding}) places in a realm's flows: one shared
 * instance, not configurable per execution (the steps read the realm's Security settings), REQUIRED or DISABLED.
 * Both kinds use it: the checks that ask the user nothing ({@link PolicyStep}: the allowlist, the direct grant guard)
 * and the policy step that asks for the second factor ({@link TwoFactorAuthenticator}).
 */
public abstract class FlowStepFactory implements AuthenticatorFactory, PlainFactory<Authenticator> {

    /** A category that Keycloak's brute-force protection does not count: a policy refusal is not a wrong password. */
    public static final String POLICY_CATEGORY = "twofactor-policy";

    private final String id;
    private final String displayType;
    private final String helpText;
    private final Authenticator singleton;
    private final String category;

    protected FlowStepFactory(String id, String displayType, String helpText, Authenticator singleton) {
        this(id, displayType, helpText, singleton, POLICY_CATEGORY);
    }

    protected FlowStepFactory(String id, String displayType, String helpText, Authenticator singleton, String category) {
        this.id = id;
        this.displayType = displayType;
        this.helpText = helpText;
        this.singleton = singleton;
        this.category = category;
    }

    @Override
    public Authenticator create(org.keycloak.models.KeycloakSession session) {
        return singleton;
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public String getDisplayType() {
        return displayType;
    }

    @Override
    public String getHelpText() {
        return helpText;
    }

    @Override
    public String getReferenceCategory() {
        return category;
    }

    @Override
    public boolean isConfigurable() {
        return false;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return new AuthenticationExecutionModel.Requirement[] {
                AuthenticationExecutionModel.Requirement.REQUIRED, AuthenticationExecutionModel.Requirement.DISABLED};
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }
}
