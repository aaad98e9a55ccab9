package org.ftb.address;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class IpAddressTest {

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1, 127.0.0.1",
            "0.0.0.0, 0.0.0.0",
            "255.255.255.255, 255.255.255.255",
            "::1, ::1",
            "::, ::",
            "2001:DB8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "fe80::1:2, fe80::1:2",
            "::ffff:10.1.2.3, ::ffff:a01:203",
            "1::, 1::"})
    void parsesAndFormatsCanonically(String text, String canonical) throws Exception {
        byte[] bytes = IpAddress.parse(text).orElseThrow();
        assertThat(bytes).isEqualTo(InetAddress.getByName(text).getAddress().length == bytes.length
                ? InetAddress.getByName(text).getAddress() : bytes);
        assertThat(IpAddress.format(bytes)).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1..2.3", "a.b.c.d", "1:2:3:4:5:6:7:8:9",
            "1::2::3", "12345::", ":1:2", "1:2:3:4:5:6:7:1.2.3.4", "::g", "[::1]", "1.2.3.4/8", "host.example.com"})
    void rejectsAnythingElse(String text) {
        assertThat(IpAddress.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"ftp.Example.com:21, ftp.example.com, 21", "10.1.1.5:2121, 10.1.1.5, 2121", "'[2001:db8::1]:21', 2001:db8::1, 21"})
    void parsesHostPort(String text, String host, int port) {
        assertThat(HostPort.parse(text)).contains(new HostPort(host, port));
    }

    @ParameterizedTest
    @ValueSource(strings = {"host", "host:", ":21", "host:0", "host:65536", "host:x", "::1:21", "[::1]", "[::1]21", "[host]:21"})
    void rejectsMalformedHostPort(String text) {
        assertThat(HostPort.parse(text)).isEmpty();
    }
}
