package org.ftb.rules;

import org.ftb.address.HostPort;
import org.ftb.address.IpAddress;

import java.util.Arrays;

/**
 * Where a client wants to go: the host as the client named it (canonical IP text or lower-case
 * name), the address the broker will use for it (null when a name was not resolved), and the port.
 */
public record Destination(String host, byte[] address, int port) {

    /** An address the client gave; an IPv4-mapped IPv6 address is taken as the IPv4 address it reaches, so that rules see one form. */
    public static Destination ofAddress(byte[] address, int port) {
        byte[] reached = IpAddress.unmapped(address);
        return new Destination(IpAddress.format(reached), reached.clone(), port);
    }

    public static Destination ofName(String name, byte[] resolved, int port) {
        return new Destination(HostPort.canonicalHost(name), resolved == null ? null : IpAddress.unmapped(resolved).clone(), port);
    }

    public boolean isName() {
        return address == null || !host.equals(IpAddress.format(address));
    }

    @Override
    public byte[] address() {
        return address == null ? null : address.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Destination d && d.host.equals(host) && d.port == port && Arrays.equals(d.address, address);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * host.hashCode() + Arrays.hashCode(address)) + port;
    }

    @Override
    public String toString() {
        String text = IpAddress.hostForPort(host) + ":" + port;
        return isName() && address != null ? text + " (" + IpAddress.format(address) + ")" : text;
    }
}
