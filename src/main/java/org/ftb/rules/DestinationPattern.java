package org.ftb.rules;

import org.ftb.address.IpAddress;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** One entry of a rule's DEST list. */
public sealed interface DestinationPattern {

    boolean matches(Destination destination);

    /** The entry as it is written in a configuration. */
    String text();

    /** Parses {@code *}, an IPv4/IPv6 address or CIDR block, or a host name glob; empty if none. */
    static Optional<DestinationPattern> parse(String text) {
        if (text.equals("*")) {
            return Optional.of(new Any());
        }
        int slash = text.indexOf('/');
        String addressText = slash < 0 ? text : text.substring(0, slash);
        Optional<byte[]> address = IpAddress.parse(addressText);
        if (address.isPresent()) {
            int bits = address.get().length * 8;
            int prefix = bits;
            if (slash >= 0) {
                String prefixText = text.substring(slash + 1);
                if (prefixText.isEmpty() || prefixText.length() > 3 || !prefixText.chars().allMatch(Character::isDigit)) {
                    return Optional.empty();
                }
                prefix = Integer.parseInt(prefixText);
                if (prefix > bits) {
                    return Optional.empty();
                }
            }
            return Optional.of(new Cidr(Cidr.mask(address.get(), prefix), prefix));
        }
        boolean numeric = text.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
        if (slash >= 0 || numeric || !HostGlob.isValid(text)) {
            return Optional.empty();
        }
        return Optional.of(new HostGlob(text.toLowerCase(Locale.ROOT)));
    }

    /** {@code *}: every destination. */
    record Any() implements DestinationPattern {
        @Override
        public boolean matches(Destination destination) {
            return true;
        }

        @Override
        public String text() {
            return "*";
        }
    }

    /** An address block; matches the address the broker would connect to. */
    record Cidr(byte[] network, int prefix) implements DestinationPattern {
        public Cidr {
            network = network.clone();
        }

        static byte[] mask(byte[] address, int prefix) {
            byte[] out = address.clone();
            for (int bit = prefix; bit < out.length * 8; bit++) {
                out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
            }
            return out;
        }

        @Override
        public boolean matches(Destination destination) {
            byte[] address = destination.address();
            return address != null && address.length == network.length && Arrays.equals(mask(address, prefix), network);
        }

        @Override
        public String text() {
            String base = IpAddress.format(network);
            return prefix == network.length * 8 ? base : base + "/" + prefix;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(network) * 31 + prefix;
        }

        @Override
        public String toString() {
            return "Cidr[" + text() + "]";
        }
    }

    /**
     * A host name, optionally with {@code *} (any run of characters, dots included) and {@code ?} (one
     * character). Matches the host as the client named it, never a reverse lookup.
     */
    record HostGlob(String glob) implements DestinationPattern {
        static boolean isValid(String text) {
            return !text.isEmpty() && text.length() <= 255
                    && text.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '_' || c == '*' || c == '?');
        }

        @Override
        public boolean matches(Destination destination) {
            return globMatches(glob, destination.host());
        }

        @Override
        public String text() {
            return glob;
        }

        /** Iterative glob match with single-star backtracking: linear in practice, no regex. */
        static boolean globMatches(String pattern, String text) {
            int p = 0;
            int t = 0;
            int starP = -1;
            int starT = 0;
            while (t < text.length()) {
                if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                    p++;
                    t++;
                } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                    starP = p++;
                    starT = t;
                } else if (starP >= 0) {
                    p = starP + 1;
                    t = ++starT;
                } else {
                    return false;
                }
            }
            while (p < pattern.length() && pattern.charAt(p) == '*') {
                p++;
            }
            return p == pattern.length();
        }
    }
}
