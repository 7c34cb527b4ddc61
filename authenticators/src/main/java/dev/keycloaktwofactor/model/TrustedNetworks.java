package dev.keycloaktwofactor.model;

import com.fasterxml.jackson.databind.JsonNode;
import org.keycloak.models.RealmModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A realm's known networks (realm setting {@code trustedNetworks}, CIDR blocks validated like {@code ipAllowlist}),
 * e.g. an office's public range: codes requested from there are not counted against the per-address send cap, so
 * that a team behind one NAT address can sign in. The per-user and per-destination caps still hold. Stored as the
 * realm attribute {@code twofactor.trustedNetworks} beside the other settings.
 */
public record TrustedNetworks(List<String> entries) {

    public static final String FIELD = "trustedNetworks";
    private static final int MAX_ENTRIES = 1000;

    public TrustedNetworks {
        entries = List.copyOf(entries);
    }

    /**
     * Read from the realm. A stored list with an entry that is not a CIDR block (an edited attribute) exempts nobody:
     * a bad value never widens the exemption.
     */
    public static TrustedNetworks of(RealmModel realm) {
        String stored = realm.getAttribute(TwoFactorSettings.ATTRIBUTE_PREFIX + FIELD);
        if (stored == null || stored.isBlank()) {
            return new TrustedNetworks(List.of());
        }
        try {
            return new TrustedNetworks(Arrays.stream(stored.split("[,\\s]+")).filter(s -> !s.isBlank())
                    .map(e -> CidrBlock.parse(e).text()).distinct().toList());
        } catch (IllegalArgumentException e) {
            return new TrustedNetworks(List.of());
        }
    }

    /**
     * Whether {@code address} is not counted per address in {@code realm}: inside its trusted networks, or inside its
     * login allowlist when it has one (an office range its admins already declared).
     */
    public static boolean exempts(RealmModel realm, TwoFactorSettings settings, String address) {
        if (address == null) {
            return false;
        }
        IpAllowlist allowlist = settings.allowlist();
        return (allowlist.isRestricted() && allowlist.permits(address)) || of(realm).contains(address);
    }

    public boolean contains(String address) {
        for (String entry : entries) {
            if (CidrBlock.parse(entry).contains(address)) {
                return true;
            }
        }
        return false;
    }

    public void writeTo(RealmModel realm) {
        String value = String.join(",", entries);
        if (!value.equals(realm.getAttribute(TwoFactorSettings.ATTRIBUTE_PREFIX + FIELD))) {
            realm.setAttribute(TwoFactorSettings.ATTRIBUTE_PREFIX + FIELD, value);
        }
    }

    public void putInto(Map<String, Object> representation) {
        representation.put(FIELD, entries);
    }

    /** The list after a settings PUT: unchanged when the body leaves it out, refused (400, named) when not valid. */
    public TrustedNetworks merge(JsonNode body) {
        if (body == null || !body.isObject() || !body.has(FIELD)) {
            return this;
        }
        JsonNode list = body.get(FIELD);
        if (list.isNull()) {
            return new TrustedNetworks(List.of());
        }
        if (!list.isArray()) {
            throw new InvalidSettingException(FIELD, Refusal.TRUSTED_NETWORKS_INVALID,
                    "Trusted networks must be a list of addresses or CIDR ranges, e.g. [\"203.0.113.0/24\", \"2001:db8::/32\"].", "");
        }
        if (list.size() > MAX_ENTRIES) {
            throw new InvalidSettingException(FIELD, Refusal.TRUSTED_NETWORKS_TOO_LONG, "Trusted networks take at most " + MAX_ENTRIES + " entries.", String.valueOf(MAX_ENTRIES));
        }
        List<String> parsed = new ArrayList<>();
        for (JsonNode entry : list) {
            if (!entry.isTextual()) {
                throw new InvalidSettingException(FIELD, Refusal.TRUSTED_NETWORKS_INVALID, "Invalid entry in the trusted networks: " + entry + " is not text.", entry.toString());
            }
            try {
                parsed.add(CidrBlock.parse(entry.asText()).text());
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(FIELD, Refusal.TRUSTED_NETWORKS_INVALID, "Invalid entry in the trusted networks: " + e.getMessage() + ".", entry.asText());
            }
        }
        return new TrustedNetworks(parsed.stream().distinct().toList());
    }
}
