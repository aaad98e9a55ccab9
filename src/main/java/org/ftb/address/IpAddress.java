package org.ftb.address;

import java.util.Arrays;
import java.util.Optional;

/**
 * IP address literals as bytes: strict parsing and canonical text (RFC 5952 for IPv6).
 * Parsing never consults DNS, which is why the configuration and the SOCKS codec use it instead of
 * {@code InetAddress.getByName}.
 */
public final class IpAddress {
    private IpAddress() {
    }

    /** Parses a dotted-quad IPv4 or an IPv6 literal (without brackets); empty if it is neither. */
    public static Optional<byte[]> parse(String text) {
        if (text.indexOf(':') >= 0) {
            return Optional.ofNullable(parseIpv6(text));
        }
        return Optional.ofNullable(parseIpv4(text));
    }

    public static boolean isLiteral(String text) {
        return parse(text).isPresent();
    }

    private static byte[] parseIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            if (part.length() > 1 && part.charAt(0) == '0') {
                return null; // leading zeros are read as octal by some tools: refuse the ambiguity
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return null;
            }
            out[i] = (byte) value;
        }
        return out;
    }

    private static byte[] parseIpv6(String text) {
        if (text.isEmpty() || text.length() > 45) {
            return null;
        }
        int doubleColon = text.indexOf("::");
        if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
            return null;
        }
        String head = doubleColon >= 0 ? text.substring(0, doubleColon) : text;
        String tail = doubleColon >= 0 ? text.substring(doubleColon + 2) : "";
        byte[] headBytes = parseGroups(head, doubleColon < 0);
        byte[] tailBytes = parseGroups(tail, true);
        if (headBytes == null || tailBytes == null) {
            return null;
        }
        int total = headBytes.length + tailBytes.length;
        if (doubleColon < 0 ? total != 16 : total > 14) {
            return null;
        }
        byte[] out = new byte[16];
        System.arraycopy(headBytes, 0, out, 0, headBytes.length);
        System.arraycopy(tailBytes, 0, out, 16 - tailBytes.length, tailBytes.length);
        return out;
    }

    /** Colon-separated hex groups; the last one may be an embedded IPv4 address when allowed. */
    private static byte[] parseGroups(String text, boolean ipv4Allowed) {
        if (text.isEmpty()) {
            return new byte[0];
        }
        String[] groups = text.split(":", -1);
        byte[] out = new byte[groups.length * 2 + 2];
        int length = 0;
        for (int i = 0; i < groups.length; i++) {
            String group = groups[i];
            if (i == groups.length - 1 && ipv4Allowed && group.indexOf('.') >= 0) {
                byte[] v4 = parseIpv4(group);
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, out, length, 4);
                length += 4;
                continue;
            }
            if (group.isEmpty() || group.length() > 4) {
                return null;
            }
            int value = 0;
            for (int c = 0; c < group.length(); c++) {
                int digit = Character.digit(group.charAt(c), 16);
                if (digit < 0) {
                    return null;
                }
                value = value * 16 + digit;
            }
            out[length++] = (byte) (value >> 8);
            out[length++] = (byte) value;
        }
        return Arrays.copyOf(out, length);
    }

    /**
     * The IPv4 address inside an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}, RFC 4291 2.5.5.2),
     * which reaches the same host as the IPv4 address; any other address as it is.
     */
    public static byte[] unmapped(byte[] address) {
        if (address.length != 16) {
            return address;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return address;
            }
        }
        return address[10] == (byte) 0xFF && address[11] == (byte) 0xFF ? Arrays.copyOfRange(address, 12, 16) : address;
    }

    /** Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run compressed). */
    public static String format(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xFF) + "." + (address[1] & 0xFF) + "." + (address[2] & 0xFF) + "." + (address[3] & 0xFF);
        }
        if (address.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + address.length);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xFF) << 8) | (address[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1; // RFC 5952 4.2.2: a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /** Host text as it appears before {@code :port}: IPv6 literals in brackets. */
    public static String hostForPort(String host) {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }
}
