package org.ftb.rules;

import java.util.Optional;

/** An inclusive range of TCP ports, written {@code 21} or {@code 1000-2000}. */
public record PortRange(int from, int to) {
    public static final PortRange ALL = new PortRange(1, 65535);

    public PortRange {
        if (from < 1 || to > 65535 || from > to) {
            throw new IllegalArgumentException("invalid port range " + from + "-" + to);
        }
    }

    /** Parses {@code *}, {@code n} or {@code n-m} with ports 1-65535 and n <= m; empty otherwise. */
    public static Optional<PortRange> parse(String text) {
        if (text.equals("*")) {
            return Optional.of(ALL);
        }
        int dash = text.indexOf('-');
        String fromText = dash < 0 ? text : text.substring(0, dash);
        String toText = dash < 0 ? text : text.substring(dash + 1);
        Integer from = port(fromText);
        Integer to = port(toText);
        if (from == null || to == null || from > to) {
            return Optional.empty();
        }
        return Optional.of(new PortRange(from, to));
    }

    private static Integer port(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        int value = Integer.parseInt(text);
        return value >= 1 && value <= 65535 ? value : null;
    }

    public boolean contains(int port) {
        return port >= from && port <= to;
    }

    public String text() {
        if (equals(ALL)) {
            return "*";
        }
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
