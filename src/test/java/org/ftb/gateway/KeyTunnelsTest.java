package org.ftb.gateway;

import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeyTunnelsTest {
    private static KeyTunnels.Parsed parse(String options) {
        return KeyTunnels.parse(AuthorizedKeyEntry.parseLoginOptions(options));
    }

    private static KeyTunnels tunnels(String options) {
        return ((KeyTunnels.Allowed) parse(options)).tunnels();
    }

    @Test
    void permitopenAllowsOnlyItsDestinationsAsNamed() {
        KeyTunnels key = tunnels("from=\"127.0.0.1\",permitopen=\"ftp.example.com:21\",permitopen=\"[::1]:*\",no-pty");
        assertThat(key.allows("FTP.example.com", 21)).isTrue();
        assertThat(key.allows("ftp.example.com", 22)).isFalse();
        assertThat(key.allows("10.0.0.1", 21)).as("an address is not the name it may have").isFalse();
        assertThat(key.allows("::1", 30000)).isTrue();
    }

    @Test
    void restrictAndNoPortForwardingAllowNoTunnel() {
        assertThat(tunnels("restrict").allows("127.0.0.1", 21)).isFalse();
        assertThat(tunnels("no-port-forwarding,permitopen=\"127.0.0.1:21\"").allows("127.0.0.1", 21)).isFalse();
        assertThat(tunnels("restrict,port-forwarding,permitopen=\"127.0.0.1:21\"").allows("127.0.0.1", 21)).isTrue();
        assertThat(tunnels("").allows("127.0.0.1", 21)).as("no options: any PERMIT destination").isTrue();
    }

    @Test
    void anOptionTheGatewayDoesNotImplementRefusesTheKey() {
        assertThat(parse("command=\"/bin/true\",restrict")).isEqualTo(new KeyTunnels.Refused(
                "authorized_keys option(s) command that the gateway does not honour"));
        assertThat(parse("permitopen=\"nohost\"")).isEqualTo(new KeyTunnels.Refused(
                "authorized_keys option permitopen=\"nohost\" is not host:port"));
    }
}
