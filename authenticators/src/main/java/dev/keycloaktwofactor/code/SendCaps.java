package dev.keycloaktwofactor.code;

import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hard caps on codes sent in any rolling hour, on top of the resend wait: per user and channel, per source address,
 * per destination (a number, an address). Server-wide options of the policy step, e.g.
 * {@code --spi-authenticator--twofactor-authenticator--max-sends-per-address-per-hour=200}; read once at start by that
 * factory, which holds them ({@link Source}) and is found through the session ({@link #of}): no static state here, and
 * the code engine is handed its caps ({@link CodeExchange}).
 * <p>
 * Every send follows a correct password, so the per-address cap guards against one thing only: someone holding many
 * stolen passwords pumping texts (toll fraud). It therefore counts <b>texts</b> ({@value #PER_ADDRESS}, 200 by
 * default: an office of 100 behind one NAT address signing in twice an hour still gets through), while emailed codes,
 * which cost nothing and have the per-user and per-destination caps, are capped per address only when the operator
 * sets {@value #EMAILS_PER_ADDRESS} (0, the default, = off). Sources in the realm's {@code trustedNetworks} or
 * {@code ipAllowlist} are not counted per address at all ({@link ResendSchedule}).
 */
public record SendCaps(int perUser, int perAddress, int perDestination, int emailsPerAddress) {

    public static final String PER_USER = "max-sends-per-user-per-hour";
    public static final String PER_ADDRESS = "max-sends-per-address-per-hour";
    public static final String PER_DESTINATION = "max-sends-per-destination-per-hour";
    public static final String EMAILS_PER_ADDRESS = "max-emails-per-address-per-hour";

    public static final SendCaps DEFAULTS = new SendCaps(10, 200, 10, 0);
    private static final int MOST = 1000;

    /**
     * The provider id of the policy step (the authenticator factory in {@code wiring} that declares these options and
     * holds their values). Spelled out here because this layer may not import that one; a test in {@code wiring} checks
     * that the two agree.
     */
    public static final String DECLARED_BY = "twofactor-authenticator";

    /** Whoever read the options at start and holds them: the policy step's factory. */
    public interface Source {
        SendCaps sendCaps();
    }

    public SendCaps {
        check(PER_USER, perUser, 1);
        check(PER_ADDRESS, perAddress, 1);
        check(PER_DESTINATION, perDestination, 1);
        check(EMAILS_PER_ADDRESS, emailsPerAddress, 0);
    }

    private static void check(String option, int value, int least) {
        if (value < least || value > MOST) {
            throw new IllegalArgumentException("keycloak-twofactor: option " + option + " must be " + least + ".." + MOST + ", not " + value);
        }
    }

    /** The per-source-address cap of a channel ("sms": texts, "email"), 0 when that channel has none. */
    public int perAddress(String channel) {
        return "email".equals(channel) ? emailsPerAddress : perAddress;
    }

    /**
     * The caps in force on this server: those its policy step's factory read at start, or the defaults where there is
     * none (a server without the step has nothing that sends codes).
     */
    public static SendCaps of(KeycloakSession session) {
        ProviderFactory<Authenticator> factory = session.getKeycloakSessionFactory().getProviderFactory(Authenticator.class, DECLARED_BY);
        return factory instanceof Source source ? source.sendCaps() : DEFAULTS;
    }

    /** Reads the options (a bad value stops the server at start, naming the option, rather than running uncapped). */
    public static SendCaps read(Config.Scope config) {
        return new SendCaps(config.getInt(PER_USER, DEFAULTS.perUser()), config.getInt(PER_ADDRESS, DEFAULTS.perAddress()),
                config.getInt(PER_DESTINATION, DEFAULTS.perDestination()), config.getInt(EMAILS_PER_ADDRESS, DEFAULTS.emailsPerAddress()));
    }

    /** Different numbers one user may be sent confirmation codes to in any rolling hour. */
    public static final int CONFIRM_NUMBERS_PER_HOUR = 3;

    /**
     * Whether {@code user} may be sent a confirmation code to {@code number} now: a number already texted this hour
     * may be again (the usual waits apply); a new one takes one of {@link #CONFIRM_NUMBERS_PER_HOUR} slots, so that
     * one account cannot spray texts over many numbers. Atomic across requests and nodes (put-if-absent slots).
     */
    public static boolean claimConfirmationNumber(SingleUseObjectProvider store, String realmId, String userId, String number) {
        String key = "twofactor:confirm-numbers:" + realmId + ":" + userId;
        String marker = key + ":" + OneTimeCode.hash(number, "destination");
        if (store.contains(marker)) {
            return true;
        }
        int slot = AtomicSlots.claim(store, key, CONFIRM_NUMBERS_PER_HOUR, 3600);
        if (slot == 0) {
            return false;
        }
        if (!store.putIfAbsent(marker, 3600)) {
            store.remove(key + ":" + slot); // the same number claimed in parallel: one slot is enough
        }
        return true;
    }

    public Map<String, String> asInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put(PER_USER, Integer.toString(perUser));
        info.put(PER_ADDRESS, Integer.toString(perAddress));
        info.put(PER_DESTINATION, Integer.toString(perDestination));
        info.put(EMAILS_PER_ADDRESS, Integer.toString(emailsPerAddress));
        return info;
    }

    public static List<ProviderConfigProperty> metadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(PER_USER).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(DEFAULTS.perUser())
                .helpText("Codes (email or SMS) one user may be sent per channel in any hour, whatever the resend wait.").add()
                .property().name(PER_ADDRESS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(DEFAULTS.perAddress())
                .helpText("Texts (SMS codes, phone confirmations) sent for requests from one source address in any hour, across"
                        + " users; sources in a realm's trustedNetworks or ipAllowlist are not counted.").add()
                .property().name(PER_DESTINATION).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(DEFAULTS.perDestination())
                .helpText("Codes sent to one phone number or email address in any hour, across users.").add()
                .property().name(EMAILS_PER_ADDRESS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(DEFAULTS.emailsPerAddress())
                .helpText("Emailed codes sent for requests from one source address in any hour, across users; 0 = no such cap."
                        + " Sources in a realm's trustedNetworks or ipAllowlist are not counted.").add()
                .build();
    }
}
