package dev.keycloaktwofactor.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrBlockTest {

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
            "192.0.2.0/24, 192.0.2.0, true",
            "192.0.2.0/24, 192.0.2.255, true",
            "192.0.2.0/24, 192.0.3.0, false",
            "192.0.2.0/24, 192.0.1.255, false",
            "10.0.0.0/8, 10.255.255.255, true",
            "10.0.0.0/8, 11.0.0.0, false",
            "127.0.0.1, 127.0.0.1, true",
            "127.0.0.1, 127.0.0.2, false",
            "127.0.0.1/32, 127.0.0.2, false",
            "0.0.0.0/0, 203.0.113.9, true",
            "0.0.0.0/0, 2001:db8::1, false",
            "192.0.2.0/24, ::ffff:192.0.2.7, true",
            "192.0.2.0/24, ::ffff:192.0.3.7, false",
            "::ffff:192.0.2.0/120, 192.0.2.7, true",
            "::ffff:192.0.2.0/120, 192.0.3.7, false",
            "2001:db8::/32, 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff, true",
            "2001:db8::/32, 2001:db9::, false",
            "2001:db8::/127, 2001:db8::1, true",
            "2001:db8::/127, 2001:db8::2, false",
            "::1, ::1, true",
            "::1, 0:0:0:0:0:0:0:1, true",
            "::1, 127.0.0.1, false",
            "::/0, 2001:db8::1, true",
            "192.0.2.1/31, 192.0.2.0, true",
            "10.1.2.3/7, 11.255.0.1, true",
            "10.1.2.3/7, 12.0.0.0, false",
            "fe80::/10, fe80::1%eth0, true",
    })
    void matchesExactlyAtTheEdges(String cidr, String address, boolean expected) {
        assertThat(CidrBlock.parse(cidr).contains(address)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "300.1.1.1", "1.2.3", "1.2.3.4/33", "1.2.3.4/", "1.2.3.4/-1", "1.2.3.4/a",
            "2001:db8::/129", "example.com", "localhost", "1.2.3.4.5", "::gg", "10.0.0.0/8/8", "01.2.3.4x", "::ffff:10.0.0.0/64"})
    void refusesWhatIsNotACidrBlock(String value) {
        assertThatThrownBy(() -> CidrBlock.parse(value)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void neverMatchesHostNamesOrGarbage() {
        CidrBlock all = CidrBlock.parse("0.0.0.0/0");
        assertThat(all.contains("localhost")).isFalse();
        assertThat(all.contains(null)).isFalse();
        assertThat(all.contains("")).isFalse();
    }

    @Test
    void emptyAllowlistPermitsEveryoneAndAnUnparsableOneNobody() {
        assertThat(IpAllowlist.of(List.of()).permits("203.0.113.1")).isTrue();
        assertThat(IpAllowlist.of(List.of("not-an-address")).permits("203.0.113.1")).isFalse();
        IpAllowlist list = IpAllowlist.of(List.of("127.0.0.1", "2001:db8::/32"));
        assertThat(list.permits("127.0.0.1")).isTrue();
        assertThat(list.permits("127.0.0.2")).isFalse();
        assertThat(list.permits("2001:db8::5")).isTrue();
    }
}
