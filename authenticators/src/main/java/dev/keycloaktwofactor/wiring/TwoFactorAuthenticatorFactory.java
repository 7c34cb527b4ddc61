package dev.keycloaktwofactor.wiring;

import dev.keycloaktwofactor.code.CodeDelivery;
import dev.keycloaktwofactor.code.DeliveryOptions;
import dev.keycloaktwofactor.code.SendCaps;
import dev.keycloaktwofactor.compat.KeycloakRelease;
import dev.keycloaktwofactor.flow.PhoneCredentialEntry;
import dev.keycloaktwofactor.flow.FlowStepFactory;
import dev.keycloaktwofactor.flow.SetupAppCredentialProvider;
import dev.keycloaktwofactor.flow.TwoFactorAuthenticator;
import dev.keycloaktwofactor.model.TwoFactorMethod;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import dev.keycloaktwofactor.sms.SmsGateway;
import dev.keycloaktwofactor.support.SupportAccessExpiry;
import dev.keycloaktwofactor.support.SupportOptions;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.models.RealmProvider;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.UserProvider;
import org.keycloak.sessions.AuthenticationSessionProvider;
import org.keycloak.provider.ServerInfoAwareProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.credential.OTPCredentialModel;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The policy step. Its category is "otp": since Keycloak 26.6 brute-force protection counts failures of the
 * password, otp and recovery-code categories only, and every wrong code of ours must count.
 */
public class TwoFactorAuthenticatorFactory extends FlowStepFactory
        implements ServerInfoAwareProviderFactory, SendCaps.Source, SupportOptions.Source {

    public static final String PROVIDER_ID = "twofactor-authenticator";
    private static final Logger LOG = Logger.getLogger(TwoFactorAuthenticatorFactory.class);

    /** The server-wide caps on codes sent per hour, read in {@link #init}; found through the session ({@link SendCaps#of}). */
    private volatile SendCaps sendCaps = SendCaps.DEFAULTS;
    /** Technical support access options, read in {@link #init}; found through the session ({@link SupportOptions#of}). */
    private volatile SupportOptions supportOptions = SupportOptions.DEFAULTS;

    public TwoFactorAuthenticatorFactory() {
        super(PROVIDER_ID, "Two-factor (realm policy)",
                "Asks for the second factor chosen on the realm's Security page: email code, authenticator app or SMS code.",
                TwoFactorAuthenticator.withBuiltInFactors(), OTPCredentialModel.TYPE);
    }

    /**
     * Makes the account console's Signing in page list, while this step is in a realm's flows, "Switch to an
     * authenticator app" where the realm allows the switch, and "Phone for sign-in codes" where texts can be sent.
     */
    @Override
    public Set<String> getOptionalReferenceCategories(KeycloakSession session) {
        RealmModel realm = session.getContext().getRealm();
        if (realm == null) {
            return Set.of();
        }
        TwoFactorSettings settings = TwoFactorSettings.of(realm);
        Set<String> entries = new java.util.HashSet<>();
        if (settings.method() == TwoFactorMethod.EMAIL && settings.allowAppOptIn()) {
            entries.add(SetupAppCredentialProvider.TYPE);
        }
        if (SmsGateway.isAvailable(session, realm)) {
            entries.add(PhoneCredentialEntry.TYPE);
        }
        return entries;
    }

    /** The server-wide caps on codes sent per hour (see {@link SendCaps}); a bad value stops the start, named. */
    @Override
    public void init(Config.Scope config) {
        super.init(config);
        sendCaps = SendCaps.read(config);
        supportOptions = SupportOptions.read(config);
        CodeDelivery.start(DeliveryOptions.of(config));
    }

    @Override
    public SendCaps sendCaps() {
        return sendCaps;
    }

    /**
     * Keycloak closes a factory before those it depends on: the sends a stopping node drains in {@link #close()} still
     * find the cluster-wide store (their delivery state), the login's session, the realm and the user. Without this the
     * caches could be gone first and a code sent within the grace would stay "pending" and later count as failed.
     */
    @Override
    public Set<Class<? extends Provider>> dependsOn() {
        return Set.of(SingleUseObjectProvider.class, AuthenticationSessionProvider.class, RealmProvider.class, UserProvider.class);
    }

    /** A stopping node finishes the sends it holds, within the grace period (see {@link CodeDelivery}). */
    @Override
    public void close() {
        CodeDelivery.stop();
        super.close();
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return java.util.stream.Stream.of(SendCaps.metadata(), SupportOptions.metadata(), DeliveryOptions.metadata())
                .flatMap(List::stream).toList();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        Map<String, String> info = new java.util.LinkedHashMap<>(sendCaps.asInfo());
        info.putAll(supportOptions.asInfo());
        info.putAll(CodeDelivery.options().asInfo());
        return info;
    }

    /** Technical support access's options, as read in {@link #init}; found by {@link SupportOptions#of}. */
    @Override
    public SupportOptions supportOptions() {
        return supportOptions;
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        Optional<String> refusal = KeycloakRelease.refusal();
        if (refusal.isPresent()) {
            // The one ERROR of an unsupported release; nothing is bound, the admin API answers 503 with the same text.
            LOG.error(refusal.get());
            return;
        }
        factory.register(event -> PolicyReconciler.onEvent(factory, event));
        factory.register(event -> SupportAccessExpiry.onEvent(factory, event));
    }
}
