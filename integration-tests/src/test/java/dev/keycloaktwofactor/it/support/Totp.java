package dev.keycloaktwofactor.it.support;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An authenticator app, written from RFC 6238 / RFC 4226 and independent of Keycloak's code: it reads an
 * {@code otpauth://} URI as a phone app would and computes the codes the server must accept.
 */
public record Totp(String label, byte[] key, String algorithm, int digits, int period, String issuer) {

    public static Totp fromUri(String uri) {
        URI u = URI.create(uri);
        if (!"otpauth".equals(u.getScheme()) || !"totp".equals(u.getHost())) {
            throw new IllegalArgumentException("Not an otpauth://totp URI: " + uri);
        }
        Map<String, String> q = new HashMap<>();
        for (String pair : u.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        String label = URLDecoder.decode(u.getRawPath().substring(1), StandardCharsets.UTF_8);
        return new Totp(label, base32(q.get("secret")), "Hmac" + q.getOrDefault("algorithm", "SHA1"),
                Integer.parseInt(q.getOrDefault("digits", "6")), Integer.parseInt(q.getOrDefault("period", "30")),
                q.get("issuer"));
    }

    public String codeAt(long epochSeconds) {
        return code(key, epochSeconds / period, digits, algorithm);
    }

    public String now() {
        return codeAt(System.currentTimeMillis() / 1000);
    }

    /** The code of the next time step: still inside the server's look-ahead window, and not yet spent. */
    public String next() {
        return codeAt(System.currentTimeMillis() / 1000 + period);
    }

    public static String code(byte[] key, long counter, int digits, String algorithm) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, "RAW"));
            byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(counter).array());
            int offset = h[h.length - 1] & 0x0f;
            int binary = ((h[offset] & 0x7f) << 24) | ((h[offset + 1] & 0xff) << 16)
                    | ((h[offset + 2] & 0xff) << 8) | (h[offset + 3] & 0xff);
            int otp = (int) (binary % (long) Math.pow(10, digits));
            return String.format(Locale.ROOT, "%0" + digits + "d", otp);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] base32(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        String s = text.replace("=", "").replace(" ", "").toUpperCase(Locale.ROOT);
        ByteBuffer out = ByteBuffer.allocate(s.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (char c : s.toCharArray()) {
            int v = alphabet.indexOf(c);
            if (v < 0) {
                throw new IllegalArgumentException("Not base32: " + c);
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return out.array();
    }
}
