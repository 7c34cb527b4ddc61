package dev.keycloaktwofactor.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Server options of the suite's one Keycloak beyond the basics: SMS through the real Twilio SDK to {@link TwilioStub},
 * and a reverse proxy that Keycloak trusts at {@link #TRUSTED_PROXY} only, so that forwarded headers can be shown to
 * count from that proxy and from nowhere else; Keycloak's CIBA authentication channel goes to {@link CibaChannelStub}.
 */
public final class ExtraServerOptions {

    /** The one loopback source address whose X-Forwarded-For Keycloak believes. */
    public static final String TRUSTED_PROXY = "127.0.0.3";

    /** Not the default 200: the address-cap test (SendCapsIT) then shows that the server option takes effect. */
    public static final int ADDRESS_CAP = 25;

    /** Not the default "twofactor-support": the support tests then show that the server option takes effect. */
    public static final String SUPPORT_GROUP = "it-support-staff";

    /** Seconds between the runs that end support access windows: short, so that a 1-minute window is seen to end. */
    public static final int SUPPORT_CHECK_SECONDS = 5;

    private static TwilioStub twilio;
    private static CibaChannelStub ciba;

    private ExtraServerOptions() {
    }

    public static synchronized TwilioStub twilio() {
        if (twilio == null) {
            try {
                twilio = TwilioStub.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return twilio;
    }

    /** The authentication device that Keycloak's CIBA HTTP channel asks (CibaIT approves through the callback). */
    public static synchronized CibaChannelStub ciba() {
        if (ciba == null) {
            try {
                ciba = CibaChannelStub.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ciba;
    }

    public static List<String> get() {
        TwilioStub stub = twilio();
        return List.of(
                "--spi-twofactor-sms--provider=twilio",
                "--spi-twofactor-sms--twilio--account-sid=" + TwilioStub.ACCOUNT_SID,
                "--spi-twofactor-sms--twilio--auth-token=" + TwilioStub.AUTH_TOKEN,
                "--spi-twofactor-sms--twilio--from=" + TwilioStub.FROM,
                "--spi-twofactor-sms--twilio--api-base-url=" + stub.baseUrl(),
                "--spi-twofactor-sms--twilio--read-timeout-millis=2000",
                "--spi-authenticator--twofactor-authenticator--" + "max-sends-per-address-per-hour=" + ADDRESS_CAP,
                "--spi-authenticator--twofactor-authenticator--support-group=" + SUPPORT_GROUP,
                "--spi-authenticator--twofactor-authenticator--support-check-interval-seconds=" + SUPPORT_CHECK_SECONDS,
                "--spi-ciba-auth-channel--ciba-http-auth-channel--http-authentication-channel-uri=" + ciba().url(),
                "--proxy-headers=xforwarded",
                "--proxy-trusted-addresses=" + TRUSTED_PROXY + "/32");
    }
}
