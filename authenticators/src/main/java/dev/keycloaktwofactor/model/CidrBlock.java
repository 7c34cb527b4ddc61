package dev.keycloaktwofactor.model;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * One IPv4 or IPv6 network in CIDR notation. A bare address is a /32 (or /128) network.
 * IPv4-mapped IPv6 addresses ({@code ::ffff:192.0.2.1}) are matched as the IPv4 address they carry,
 * so a list written with IPv4 entries behaves the same whether the server sees the peer as IPv4 or IPv6.
 */
public final class CidrBlock {

    // Literal addresses only: never let InetAddress resolve a host name.
    private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");
    private static final Pattern IPV6 = Pattern.compile("^[0-9a-fA-F:.]+$");

    private final String text;
    private final byte[] network;
    private final int prefix;

    private CidrBlock(String text, byte[] network, int prefix) {
        this.text = text;
        this.network = network;
        this.prefix = prefix;
    }

    /** @throws IllegalArgumentException with a message fit for an admin when {@code value} is not a CIDR block */
    public static CidrBlock parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("empty entry");
        }
        String trimmed = value.trim();
        int slash = trimmed.indexOf('/');
        String addressPart = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] address = parseAddress(addressPart);
        if (address == null) {
            throw new IllegalArgumentException("'" + value + "' is not an IPv4 or IPv6 address");
        }
        // ::ffff:a.b.c.d/n is stored as the IPv4 network it names, its prefix counted from bit 96.
        boolean mappedIpv4 = address.length == 4 && addressPart.contains(":");
        int maxPrefix = mappedIpv4 ? 128 : address.length * 8;
        int prefix = maxPrefix;
        if (slash >= 0) {
            String prefixText = trimmed.substring(slash + 1);
            if (!prefixText.matches("\\d{1,3}")) {
                throw new IllegalArgumentException("'" + value + "' has no valid prefix length after '/'");
            }
            prefix = Integer.parseInt(prefixText);
            if (prefix > maxPrefix) {
                throw new IllegalArgumentException("'" + value + "' has a prefix longer than " + maxPrefix + " bits");
            }
        }
        if (mappedIpv4) {
            if (prefix < 96) {
                throw new IllegalArgumentException("'" + value + "' mixes IPv4-mapped and plain IPv6 addresses; write the IPv4 network instead");
            }
            prefix -= 96;
        }
        byte[] network = mask(address, prefix);
        return new CidrBlock(trimmed, network, prefix);
    }

    /** The address as the server sees it; {@code false} for anything that is not a literal IP address. */
    public boolean contains(String address) {
        byte[] candidate = parseAddress(address);
        if (candidate == null || candidate.length != network.length) {
            return false;
        }
        return java.util.Arrays.equals(mask(candidate, prefix), network);
    }

    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    static byte[] parseAddress(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        if (v.startsWith("[") && v.endsWith("]")) {
            v = v.substring(1, v.length() - 1);
        }
        int zone = v.indexOf('%');
        if (zone >= 0) {
            v = v.substring(0, zone);
        }
        if (IPV4.matcher(v).matches()) {
            for (String octet : v.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return null;
                }
            }
        } else if (!(v.contains(":") && IPV6.matcher(v).matches())) {
            return null;
        }
        try {
            byte[] bytes = InetAddress.getByName(v).getAddress();
            return unmapIpv4(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] unmapIpv4(byte[] bytes) {
        if (bytes.length != 16) {
            return bytes;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return bytes;
            }
        }
        if (bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) {
            return bytes;
        }
        return new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int bitsInThisByte = Math.max(0, Math.min(8, prefix - i * 8));
            int m = bitsInThisByte == 0 ? 0 : (0xff << (8 - bitsInThisByte)) & 0xff;
            out[i] = (byte) (out[i] & m);
        }
        return out;
    }
}
