package org.ftb.socks;

import org.ftb.address.IpAddress;

/**
 * A complete SOCKS CONNECT request.
 *
 * @param host    the destination as the client gave it: a host name, or an IP literal in canonical text
 * @param address the destination address when the client sent one (or a name that is an IP literal); null for names
 * @param user    the SOCKS 4 user ID or SOCKS 5 user name, or empty
 * @param socks4a true when a SOCKS 4 client asked the broker to resolve a name
 */
public record ConnectRequest(SocksVersion version, boolean socks4a, String host, byte[] address, int port, String user) {

    public ConnectRequest {
        address = address == null ? null : address.clone();
    }

    @Override
    public byte[] address() {
        return address == null ? null : address.clone();
    }

    /** The protocol as operators know it: SOCKS4, SOCKS4A or SOCKS5. */
    public String protocol() {
        return version == SocksVersion.V5 ? "SOCKS5" : socks4a ? "SOCKS4A" : "SOCKS4";
    }

    @Override
    public String toString() {
        return protocol() + " CONNECT " + IpAddress.hostForPort(host) + ":" + port + (user.isEmpty() ? "" : " user " + user);
    }
}
