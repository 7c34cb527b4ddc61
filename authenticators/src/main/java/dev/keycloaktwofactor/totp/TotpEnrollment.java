package dev.keycloaktwofactor.totp;

import org.keycloak.models.OTPPolicy;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.Base32;
import org.keycloak.models.utils.HmacOTP;
import org.keycloak.utils.QRCodeUtils;

/**
 * What a user sees to add an authenticator app: the otpauth:// URI as a QR code and the key as text.
 * The secret is generated here, on the server, and never read back from a form.
 */
public record TotpEnrollment(String issuer, String account, String secret, String keyUri) {

    /**
     * Keycloak keys the HMAC with the secret's ASCII bytes, drawn from a 58-character alphabet by SecureRandom:
     * 32 characters carry about 187 bits, above the 160 bits RFC 4226 recommends.
     */
    static final int SECRET_LENGTH = 32;
    private static final int QR_SIZE = 246;

    public static String newSecret() {
        return HmacOTP.generateSecret(SECRET_LENGTH);
    }

    public static TotpEnrollment of(RealmModel realm, UserModel user, String secret) {
        String issuer = realm.getDisplayName() == null || realm.getDisplayName().isBlank()
                ? realm.getName() : realm.getDisplayName();
        OTPPolicy policy = realm.getOTPPolicy();
        return new TotpEnrollment(issuer, user.getUsername(), secret, policy.getKeyURI(issuer, user.getUsername(), secret));
    }

    /** The key as an app asks for it when typed by hand: Base32, in groups of four. */
    public String manualKey() {
        String base32 = Base32.encode(secret.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).replace("=", "");
        return base32.replaceAll("(.{4})(?!$)", "$1 ");
    }

    /** The QR code as a base64 PNG for an {@code <img src="data:image/png;base64,...">}. */
    public String qrPngBase64() {
        try {
            return QRCodeUtils.encodeAsQRString(keyUri, QR_SIZE, QR_SIZE);
        } catch (Exception e) {
            throw new IllegalStateException("Could not render the QR code", e);
        }
    }
}
