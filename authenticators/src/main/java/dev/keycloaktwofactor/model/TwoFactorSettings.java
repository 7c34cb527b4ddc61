package dev.keycloaktwofactor.model;

import com.fasterxml.jackson.databind.JsonNode;
import org.keycloak.models.RealmModel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A realm's security settings (README, "Realm settings"; the rules they are held to in docs/security-model.md, "Settings"), stored as realm attributes
 * {@code twofactor.<field>} so that they travel with realm exports and imports.
 */
public record TwoFactorSettings(
        TwoFactorMethod method,
        int codeLength,
        int codeTtlSeconds,
        int resendCooldownSeconds,
        int maxResends,
        int maxCodeAttempts,
        int lockoutSeconds,
        boolean allowAppOptIn,
        List<String> ipAllowlist,
        boolean smsActivated,
        Instant firstEnabledAt) {

    public static final String ATTRIBUTE_PREFIX = "twofactor.";

    public static final String METHOD = "method";
    public static final String CODE_LENGTH = "codeLength";
    public static final String CODE_TTL_SECONDS = "codeTtlSeconds";
    public static final String RESEND_COOLDOWN_SECONDS = "resendCooldownSeconds";
    public static final String MAX_RESENDS = "maxResends";
    public static final String MAX_CODE_ATTEMPTS = "maxCodeAttempts";
    public static final String LOCKOUT_SECONDS = "lockoutSeconds";
    public static final String ALLOW_APP_OPT_IN = "allowAppOptIn";
    public static final String IP_ALLOWLIST = "ipAllowlist";
    public static final String SMS_ACTIVATED = "smsActivated";
    public static final String SMS_AVAILABLE = "smsAvailable";
    public static final String FIRST_ENABLED_AT = "firstEnabledAt";

    /** Fields a client may send back unchanged after a GET; they are computed, so a PUT ignores them. */
    private static final Set<String> READ_ONLY = Set.of(SMS_AVAILABLE, FIRST_ENABLED_AT, "deauthorized");

    public static final TwoFactorSettings DEFAULTS = new TwoFactorSettings(
            TwoFactorMethod.NONE, 6, 300, 30, 5, 5, 900, true, List.of(), false, null);

    private static final IntRange CODE_LENGTH_RANGE = new IntRange(6, 10);
    private static final IntRange CODE_TTL_RANGE = new IntRange(60, 600);
    private static final IntRange RESEND_COOLDOWN_RANGE = new IntRange(1, 3600);
    private static final IntRange MAX_RESENDS_RANGE = new IntRange(0, 100);
    private static final IntRange MAX_CODE_ATTEMPTS_RANGE = new IntRange(1, 10);
    private static final IntRange LOCKOUT_RANGE = new IntRange(60, 86400);
    private static final int MAX_ALLOWLIST_ENTRIES = 1000;

    public TwoFactorSettings {
        ipAllowlist = List.copyOf(ipAllowlist);
    }

    /**
     * The settings in force. A stored value that is not valid (written by Keycloak's realm update, an edited
     * database) never takes effect: the last valid value stays ({@link MasterSide}), and SMS counts as activated
     * only as a master-realm admin left it.
     */
    public static TwoFactorSettings of(RealmModel realm) {
        TwoFactorSettings lastValid = MasterSide.lastValid(realm);
        TwoFactorSettings d = lastValid == null ? DEFAULTS : lastValid;
        String allowlist = attribute(realm, IP_ALLOWLIST);
        String firstEnabled = attribute(realm, FIRST_ENABLED_AT);
        return new TwoFactorSettings(
                TwoFactorMethod.fromId(attribute(realm, METHOD)).orElse(d.method),
                intAttribute(realm, CODE_LENGTH, CODE_LENGTH_RANGE, d.codeLength),
                intAttribute(realm, CODE_TTL_SECONDS, CODE_TTL_RANGE, d.codeTtlSeconds),
                intAttribute(realm, RESEND_COOLDOWN_SECONDS, RESEND_COOLDOWN_RANGE, d.resendCooldownSeconds),
                intAttribute(realm, MAX_RESENDS, MAX_RESENDS_RANGE, d.maxResends),
                intAttribute(realm, MAX_CODE_ATTEMPTS, MAX_CODE_ATTEMPTS_RANGE, d.maxCodeAttempts),
                intAttribute(realm, LOCKOUT_SECONDS, LOCKOUT_RANGE, d.lockoutSeconds),
                boolAttribute(realm, ALLOW_APP_OPT_IN, d.allowAppOptIn),
                allowlistAttribute(allowlist, d.ipAllowlist),
                MasterSide.smsActivated(realm),
                firstEnabled == null ? d.firstEnabledAt : parseInstant(firstEnabled, d.firstEnabledAt));
    }

    /**
     * Writes every field that differs from what is stored; {@code firstEnabledAt} only once it is set. The realm
     * attribute {@code smsActivated} is a copy for realm exports: {@link MasterSide} holds the value that counts.
     * Also records these settings as the last valid ones.
     */
    public void writeTo(RealmModel realm) {
        attributes().forEach((name, value) -> {
            if (!value.equals(realm.getAttribute(name))) {
                realm.setAttribute(name, value);
            }
        });
        MasterSide.record(realm, this);
    }

    /** The realm attributes that store these settings, by full attribute name. */
    public Map<String, String> attributes() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put(ATTRIBUTE_PREFIX + METHOD, method.id());
        a.put(ATTRIBUTE_PREFIX + CODE_LENGTH, Integer.toString(codeLength));
        a.put(ATTRIBUTE_PREFIX + CODE_TTL_SECONDS, Integer.toString(codeTtlSeconds));
        a.put(ATTRIBUTE_PREFIX + RESEND_COOLDOWN_SECONDS, Integer.toString(resendCooldownSeconds));
        a.put(ATTRIBUTE_PREFIX + MAX_RESENDS, Integer.toString(maxResends));
        a.put(ATTRIBUTE_PREFIX + MAX_CODE_ATTEMPTS, Integer.toString(maxCodeAttempts));
        a.put(ATTRIBUTE_PREFIX + LOCKOUT_SECONDS, Integer.toString(lockoutSeconds));
        a.put(ATTRIBUTE_PREFIX + ALLOW_APP_OPT_IN, Boolean.toString(allowAppOptIn));
        a.put(ATTRIBUTE_PREFIX + IP_ALLOWLIST, String.join(",", ipAllowlist));
        a.put(ATTRIBUTE_PREFIX + SMS_ACTIVATED, Boolean.toString(smsActivated));
        if (firstEnabledAt != null) {
            a.put(ATTRIBUTE_PREFIX + FIRST_ENABLED_AT, firstEnabledAt.toString());
        }
        return a;
    }

    public IpAllowlist allowlist() {
        return IpAllowlist.of(ipAllowlist);
    }

    public TwoFactorSettings withFirstEnabledAt(Instant when) {
        return new TwoFactorSettings(method, codeLength, codeTtlSeconds, resendCooldownSeconds, maxResends,
                maxCodeAttempts, lockoutSeconds, allowAppOptIn, ipAllowlist, smsActivated, when);
    }

    /** The JSON answer of GET and PUT; {@code smsAvailable} depends on the server, so the caller supplies it. */
    public Map<String, Object> toRepresentation(boolean smsAvailable) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(METHOD, method.id());
        out.put(CODE_LENGTH, codeLength);
        out.put(CODE_TTL_SECONDS, codeTtlSeconds);
        out.put(RESEND_COOLDOWN_SECONDS, resendCooldownSeconds);
        out.put(MAX_RESENDS, maxResends);
        out.put(MAX_CODE_ATTEMPTS, maxCodeAttempts);
        out.put(LOCKOUT_SECONDS, lockoutSeconds);
        out.put(ALLOW_APP_OPT_IN, allowAppOptIn);
        out.put(IP_ALLOWLIST, ipAllowlist);
        out.put(SMS_AVAILABLE, smsAvailable);
        out.put(SMS_ACTIVATED, smsActivated);
        out.put(FIRST_ENABLED_AT, firstEnabledAt == null ? null : firstEnabledAt.toString());
        return out;
    }

    /**
     * The settings after applying a PUT body. Fields the body leaves out keep their current value, so a
     * client may send only what it changes. Anything unknown or out of range is refused, naming the field.
     */
    public TwoFactorSettings merge(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidSettingException(null, Refusal.REQUEST_INVALID, "The request body must be a JSON object.");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!DEFAULTS.toRepresentation(false).containsKey(name) && !READ_ONLY.contains(name)) {
                throw new InvalidSettingException(name, Refusal.SETTING_UNKNOWN, "Unknown setting '" + name + "'.", name);
            }
        }
        TwoFactorMethod newMethod = method;
        if (body.has(METHOD)) {
            JsonNode m = body.get(METHOD);
            newMethod = m.isTextual() ? TwoFactorMethod.fromId(m.asText()).orElse(null) : null;
            if (newMethod == null) {
                throw new InvalidSettingException(METHOD, Refusal.METHOD_INVALID, "The method must be one of \"none\", \"email\", \"totp\", \"sms\".");
            }
        }
        return new TwoFactorSettings(
                newMethod,
                intField(body, CODE_LENGTH, CODE_LENGTH_RANGE, codeLength),
                intField(body, CODE_TTL_SECONDS, CODE_TTL_RANGE, codeTtlSeconds),
                intField(body, RESEND_COOLDOWN_SECONDS, RESEND_COOLDOWN_RANGE, resendCooldownSeconds),
                intField(body, MAX_RESENDS, MAX_RESENDS_RANGE, maxResends),
                intField(body, MAX_CODE_ATTEMPTS, MAX_CODE_ATTEMPTS_RANGE, maxCodeAttempts),
                intField(body, LOCKOUT_SECONDS, LOCKOUT_RANGE, lockoutSeconds),
                boolField(body, ALLOW_APP_OPT_IN, allowAppOptIn),
                allowlistField(body, ipAllowlist),
                boolField(body, SMS_ACTIVATED, smsActivated),
                firstEnabledAt);
    }

    private static List<String> allowlistField(JsonNode body, List<String> current) {
        if (!body.has(IP_ALLOWLIST)) {
            return current;
        }
        JsonNode list = body.get(IP_ALLOWLIST);
        if (list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new InvalidSettingException(IP_ALLOWLIST, Refusal.IP_ALLOWLIST_INVALID, "The IP allowlist must be a list of addresses or CIDR ranges, e.g. [\"192.0.2.0/24\", \"2001:db8::/32\"].");
        }
        if (list.size() > MAX_ALLOWLIST_ENTRIES) {
            throw new InvalidSettingException(IP_ALLOWLIST, Refusal.IP_ALLOWLIST_TOO_LONG, "The IP allowlist takes at most " + MAX_ALLOWLIST_ENTRIES + " entries.",
                    Integer.toString(MAX_ALLOWLIST_ENTRIES));
        }
        List<String> entries = new ArrayList<>();
        for (JsonNode entry : list) {
            if (!entry.isTextual()) {
                throw new InvalidSettingException(IP_ALLOWLIST, Refusal.IP_ALLOWLIST_INVALID, "Invalid entry in the IP allowlist: " + entry + " is not text.", entry.toString());
            }
            try {
                entries.add(CidrBlock.parse(entry.asText()).text());
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(IP_ALLOWLIST, Refusal.IP_ALLOWLIST_INVALID, "Invalid entry in the IP allowlist: " + e.getMessage() + ".", entry.asText());
            }
        }
        return entries.stream().distinct().toList();
    }

    private static int intField(JsonNode body, String field, IntRange range, int current) {
        if (!body.has(field)) {
            return current;
        }
        JsonNode n = body.get(field);
        if (!n.isIntegralNumber() || !n.canConvertToInt() || !range.contains(n.intValue())) {
            throw new InvalidSettingException(field, refusalFor(field), NAMES.get(field) + " must be a whole number from " + range.min + " to " + range.max + ".");
        }
        return n.intValue();
    }

    private static boolean boolField(JsonNode body, String field, boolean current) {
        if (!body.has(field)) {
            return current;
        }
        JsonNode n = body.get(field);
        if (!n.isBoolean()) {
            throw new InvalidSettingException(field, refusalFor(field), NAMES.get(field) + " must be true or false.");
        }
        return n.booleanValue();
    }

    /** The settings' names in the English answers (field names stay in "field"). */
    private static final Map<String, String> NAMES = Map.of(
            CODE_LENGTH, "The code length",
            CODE_TTL_SECONDS, "The code lifetime in seconds",
            RESEND_COOLDOWN_SECONDS, "The wait before a resend in seconds",
            MAX_RESENDS, "The number of resends per sign-in",
            MAX_CODE_ATTEMPTS, "The number of wrong codes before a lock",
            LOCKOUT_SECONDS, "The lock after too many wrong codes in seconds",
            ALLOW_APP_OPT_IN, "Whether users may switch to an authenticator app",
            SMS_ACTIVATED, "Whether SMS is activated");

    private static Refusal refusalFor(String field) {
        return switch (field) {
            case CODE_LENGTH -> Refusal.CODE_LENGTH_INVALID;
            case CODE_TTL_SECONDS -> Refusal.CODE_TTL_SECONDS_INVALID;
            case RESEND_COOLDOWN_SECONDS -> Refusal.RESEND_COOLDOWN_SECONDS_INVALID;
            case MAX_RESENDS -> Refusal.MAX_RESENDS_INVALID;
            case MAX_CODE_ATTEMPTS -> Refusal.MAX_CODE_ATTEMPTS_INVALID;
            case LOCKOUT_SECONDS -> Refusal.LOCKOUT_SECONDS_INVALID;
            case ALLOW_APP_OPT_IN -> Refusal.ALLOW_APP_OPT_IN_INVALID;
            case SMS_ACTIVATED -> Refusal.SMS_ACTIVATED_INVALID;
            default -> throw new IllegalArgumentException(field);
        };
    }

    private static String attribute(RealmModel realm, String field) {
        return realm.getAttribute(ATTRIBUTE_PREFIX + field);
    }

    private static int intAttribute(RealmModel realm, String field, IntRange range, int fallback) {
        String v = attribute(realm, field);
        try {
            int parsed = Integer.parseInt(v == null ? "" : v.trim());
            return range.contains(parsed) ? parsed : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static boolean boolAttribute(RealmModel realm, String field, boolean fallback) {
        String v = attribute(realm, field);
        v = v == null ? "" : v.trim();
        return "true".equals(v) || (!"false".equals(v) && fallback);
    }

    /** Every entry must be a valid CIDR block; one that is not makes the whole stored list invalid. */
    private static List<String> allowlistAttribute(String stored, List<String> fallback) {
        if (stored == null) {
            return fallback;
        }
        List<String> entries = Arrays.stream(stored.split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
        try {
            return entries.stream().map(e -> CidrBlock.parse(e).text()).distinct().toList();
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }

    private static Instant parseInstant(String v, Instant fallback) {
        try {
            return v.isBlank() ? fallback : Instant.parse(v.trim());
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    private record IntRange(int min, int max) {
        boolean contains(int v) {
            return v >= min && v <= max;
        }
    }
}
