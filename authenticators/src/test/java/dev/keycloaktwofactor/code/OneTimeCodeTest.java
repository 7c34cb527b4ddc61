package dev.keycloaktwofactor.code;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** docs/security-model.md, "Codes": digits only, the asked length, leading zeros kept, compared as strings (by salted hash). */
class OneTimeCodeTest {

    @ParameterizedTest(name = "length {0}")
    @ValueSource(ints = {6, 8, 10})
    void codesAreDigitsOfTheAskedLength(int length) {
        for (int i = 0; i < 2000; i++) {
            assertThat(OneTimeCode.generate(length)).hasSize(length).matches("[0-9]+");
        }
    }

    @Test
    void leadingZerosAreKeptAndEveryDigitTurnsUpInEveryPlace() {
        Set<String> seen = new HashSet<>();
        boolean leadingZero = false;
        for (int i = 0; i < 5000; i++) {
            String code = OneTimeCode.generate(6);
            leadingZero |= code.startsWith("0");
            for (int p = 0; p < 6; p++) {
                seen.add(p + ":" + code.charAt(p));
            }
        }
        // with 5000 draws, a fair generator misses none of 60 (place, digit) pairs (p < 1e-200)
        assertThat(leadingZero).isTrue();
        assertThat(seen).hasSize(60);
    }

    @Test
    void codesDoNotRepeatLikeACounter() {
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            codes.add(OneTimeCode.generate(10));
        }
        assertThat(codes).as("1000 ten-digit codes, all different").hasSize(1000);
    }

    @ParameterizedTest(name = "length {0} is refused")
    @ValueSource(ints = {0, 4, 5, 11})
    void lengthsOutsideSixToTenAreRefused(int length) {
        assertThatThrownBy(() -> OneTimeCode.generate(length)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCodeMatchesOnlyItselfUnderItsOwnSalt() {
        String hash = OneTimeCode.hash("012345", "salt-a");
        assertThat(hash).doesNotContain("012345");
        assertThat(OneTimeCode.matches("012345", "salt-a", hash)).isTrue();
        assertThat(OneTimeCode.matches("12345", "salt-a", hash)).as("the leading zero counts").isFalse();
        assertThat(OneTimeCode.matches("012346", "salt-a", hash)).isFalse();
        assertThat(OneTimeCode.matches("012345", "salt-b", hash)).as("bound to its salt").isFalse();
    }

    @Test
    void typedAndPastedCodesAreNormalisedAndAnythingElseIsNoCode() {
        assertThat(OneTimeCode.normalize(" 012 345 ")).isEqualTo("012345");
        assertThat(OneTimeCode.normalize("012-345")).isEqualTo("012345");
        assertThat(OneTimeCode.normalize("0123\t45")).isEqualTo("012345");
        assertThat(OneTimeCode.normalize(null)).isNull();
        assertThat(OneTimeCode.normalize("")).isNull();
        assertThat(OneTimeCode.normalize("   ")).isNull();
        assertThat(OneTimeCode.normalize("12345a")).isNull();
        assertThat(OneTimeCode.normalize("١٢٣٤٥٦")).as("digits of other scripts are no code").isNull();
        assertThat(OneTimeCode.normalize("12345678901")).as("longer than any code").isNull();
        assertThat(OneTimeCode.normalize("' OR 1=1 --")).isNull();
    }
}
