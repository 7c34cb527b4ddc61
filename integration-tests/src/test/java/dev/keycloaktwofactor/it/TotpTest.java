package dev.keycloaktwofactor.it;

import dev.keycloaktwofactor.it.support.Totp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The test suite's own authenticator app is only as good as its agreement with RFC 6238 Appendix B. */
class TotpTest {

    @ParameterizedTest(name = "T={0}s gives {1}")
    @CsvSource({"59, 94287082", "1111111109, 07081804", "1111111111, 14050471", "1234567890, 89005924",
            "2000000000, 69279037", "20000000000, 65353130"})
    void rfc6238AppendixBSha1Vectors(long time, String expected) {
        byte[] key = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        assertThat(Totp.code(key, time / 30, 8, "HmacSHA1")).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ, 12345678901234567890", "MZXW6YTBOI, foobar"})
    void base32DecodesLikeRfc4648(String encoded, String plain) {
        assertThat(new String(Totp.base32(encoded), StandardCharsets.US_ASCII)).isEqualTo(plain);
    }
}
