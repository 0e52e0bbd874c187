package io.github.xdpipcounter.core;

import java.net.InetAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class AddressTextTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            // RFC 5952 section 4 examples and edge cases
            "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
            "2001:db8:0:0:1:0:0:1,                    2001:db8::1:0:0:1",
            "2001:db8:0:1:1:1:1:1,                    2001:db8:0:1:1:1:1:1",
            "2001:db8:0000:1:1:1:1:1,                 2001:db8:0:1:1:1:1:1",
            "2001:db8::0:1,                           2001:db8::1",
            "2001:db8:0:0:0::1,                       2001:db8::1",
            "2001:DB8::AAAA:1,                        2001:db8::aaaa:1",
            "2001:0:0:1:0:0:0:1,                      2001:0:0:1::1",
            "0:0:0:0:0:0:0:0,                         ::",
            "0:0:0:0:0:0:0:1,                         ::1",
            "1:0:0:0:0:0:0:0,                         1::",
            "fe80:0:0:0:0:0:0:1,                      fe80::1",
            "fd00:203:0:0:0:0:0:2,                    fd00:203::2",
            "1:2:3:4:5:6:7:8,                         1:2:3:4:5:6:7:8",
            "1:0:2:0:3:0:4:0,                         1:0:2:0:3:0:4:0",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "::ffff:192.0.2.1,                        ::ffff:192.0.2.1",
            "::192.0.2.1,                             ::c000:201",
            "10.203.0.2,                              10.203.0.2",
            "0.0.0.0,                                 0.0.0.0",
            "255.255.255.255,                         255.255.255.255",
    })
    void formatsAsRfc5952(String input, String expected) throws Exception {
        byte[] bytes = InetAddress.getByName(input).getAddress();
        if (input.contains(":") && bytes.length == 4) {
            // ::ffff:a.b.c.d parses as IPv4 in Java; give the formatter the IPv6 bytes it would see.
            byte[] mapped = new byte[16];
            mapped[10] = mapped[11] = (byte) 0xff;
            System.arraycopy(bytes, 0, mapped, 12, 4);
            bytes = mapped;
        }
        String text = bytes.length == 4 ? AddressText.of(InetAddress.getByAddress(bytes)) : AddressText.ipv6(bytes);
        assertThat(text).isEqualTo(expected);
    }
}
