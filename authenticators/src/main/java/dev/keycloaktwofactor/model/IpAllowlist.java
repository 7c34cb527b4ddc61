package dev.keycloaktwofactor.model;

import java.util.ArrayList;
import java.util.List;

/** The realm's login IP allowlist. No entries means every address may log in. */
public final class IpAllowlist {

    private final boolean restricted;
    private final List<CidrBlock> blocks;

    private IpAllowlist(boolean restricted, List<CidrBlock> blocks) {
        this.restricted = restricted;
        this.blocks = blocks;
    }

    /**
     * Entries are validated when saved. Should one still fail to parse (an edited database), it matches nothing:
     * the list stays restrictive rather than silently opening up.
     */
    public static IpAllowlist of(List<String> entries) {
        List<CidrBlock> parsed = new ArrayList<>();
        for (String entry : entries) {
            try {
                parsed.add(CidrBlock.parse(entry));
            } catch (IllegalArgumentException ignored) {
                // matches nothing, see above
            }
        }
        return new IpAllowlist(!entries.isEmpty(), List.copyOf(parsed));
    }

    public boolean isRestricted() {
        return restricted;
    }

    public boolean permits(String address) {
        return !restricted || blocks.stream().anyMatch(b -> b.contains(address));
    }
}
