package dev.keycloaktwofactor.it.support;

/**
 * The page that sets up the authenticator app: the QR code to scan (then the code from the app goes into
 * {@link CodePage}'s form on the same page).
 */
public final class QrPage {

    /** The QR code image. */
    public static final String QR = "img#twofactor-qr";

    private QrPage() {
    }

    /** True if {@code page} shows the QR code. */
    public static boolean isOn(Browser.Page page) {
        return page.doc().selectFirst(QR) != null;
    }

    /** The app a user sets up by scanning the page's QR code. */
    public static Totp scan(Browser.Page page) {
        return Totp.fromUri(QrCode.decode(page.doc().selectFirst(QR)));
    }
}
