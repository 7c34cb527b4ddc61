package dev.keycloaktwofactor.factor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.keycloak.models.utils.TimeBasedOTP;

import java.nio.charset.StandardCharsets;
import java.util.Calendar;
import java.util.HashSet;
import java.util.Set;
import java.util.TimeZone;

import static org.assertj.core.api.Assertions.assertThat;

class TotpEnrollmentTest {

    /**
     * Our JAR checks enrolment and login codes with Keycloak's TimeBasedOTP (through CredentialValidation and the
     * otp credential provider); this pins that code to RFC 6238 Appendix B.
     */
    @ParameterizedTest(name = "T={0}s gives {1}")
    @CsvSource({"59, 94287082", "1111111109, 07081804", "1111111111, 14050471", "1234567890, 89005924",
            "2000000000, 69279037", "20000000000, 65353130"})
    void codesCheckedByTheServerFollowRfc6238(long time, String expected) {
        TimeBasedOTP totp = new TimeBasedOTP("HmacSHA1", 8, 30, 0);
        Calendar at = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
        at.setTimeInMillis(time * 1000);
        totp.setCalendar(at);
        byte[] key = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        assertThat(totp.generateTOTP(key)).isEqualTo(expected);
        assertThat(totp.validateTOTP(expected, key)).isTrue();
        assertThat(totp.validateTOTP(String.valueOf((Long.parseLong(expected) + 1) % 100000000), key)).isFalse();
    }

    @Test
    void secretsCarryAtLeast160BitsAndDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String secret = TotpEnrollment.newSecret();
            assertThat(secret).hasSize(TotpEnrollment.SECRET_LENGTH).matches("[A-Za-z0-9]+");
            assertThat(seen.add(secret)).isTrue();
        }
        // 58 possible characters per position
        assertThat(TotpEnrollment.SECRET_LENGTH * Math.log(58) / Math.log(2)).isGreaterThanOrEqualTo(160);
    }

    @Test
    void manualKeyIsTheBase32OfTheSecretInGroupsOfFour() {
        TotpEnrollment e = new TotpEnrollment("Acme", "alice", "12345678901234567890", "otpauth://unused");
        assertThat(e.manualKey()).isEqualTo("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
    }

    @Test
    void everyEnrolmentSecretRendersAQrCodeThatZxingReadsBack() {
        int unreadableDraws = 0;
        for (int i = 0; i < 1500; i++) {
            java.util.function.UnaryOperator<String> uri = secret -> "otpauth://totp/acme-support:agent" + "?secret="
                    + org.keycloak.models.utils.Base32.encode(secret.getBytes(StandardCharsets.US_ASCII))
                    + "&digits=6&algorithm=SHA1&issuer=acme-support&period=30";
            if (!TotpEnrollment.scannable(uri.apply(TotpEnrollment.newSecret()))) {
                unreadableDraws++;
            }
            String chosen = TotpEnrollment.newScannableSecret(uri);
            assertThat(TotpEnrollment.scannable(uri.apply(chosen))).as("secret %s", i).isTrue();
        }
        // the check is not idle: plain draws do fail now and then (21 of 1,500 when measured), chosen ones never
        System.out.println("plain secrets whose QR zxing could not read: " + unreadableDraws + " of 1500");
    }
}
