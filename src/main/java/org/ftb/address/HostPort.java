package org.ftb.address;

import java.util.Locale;
import java.util.Optional;

/** A host (name or IP literal) and a TCP port, written {@code host:port} or {@code [v6]:port}. */
public record HostPort(String host, int port) {

    public HostPort {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /**
     * Parses {@code host:port}, {@code [ipv6]:port}; host names are lower-cased. Empty when the text
     * is not of that form or the port is not 1-65535.
     */
    public static Optional<HostPort> parse(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                return Optional.empty();
            }
            host = text.substring(1, close);
            if (host.indexOf(':') < 0 || !IpAddress.isLiteral(host)) {
                return Optional.empty();
            }
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || text.indexOf(':') != colon) {
                return Optional.empty();
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        int number = Integer.parseInt(port);
        if (number < 1 || number > 65535) {
            return Optional.empty();
        }
        return Optional.of(new HostPort(canonicalHost(host), number));
    }

    /**
     * Whether {@code text} can name a host: 1 to 255 ASCII letters, digits, '-', '.' and '_' (the
     * underscore, which DNS names of hosts should not hold, is in use all the same).
     */
    public static boolean isHostName(String text) {
        return !text.isEmpty() && text.length() <= 255
                && text.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '.' || c == '_');
    }

    /** IP literals in canonical form, names in lower case. */
    public static String canonicalHost(String host) {
        return IpAddress.parse(host).map(IpAddress::format).orElse(host.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return IpAddress.hostForPort(host) + ":" + port;
    }
}
