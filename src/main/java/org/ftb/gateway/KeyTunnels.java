package org.ftb.gateway;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tunnels an authorized key's OpenSSH options leave it: {@code restrict} and {@code no-port-forwarding}
 * none ({@code restrict} with {@code port-forwarding} all again), {@code permitopen="host:port"} only
 * those, as OpenSSH's sshd (literal host as the client names it, case aside; port {@code *} for any), and
 * always within PERMIT. An option the gateway does not implement refuses the key rather than being
 * ignored: an operator who wrote it meant to limit the key.
 */
record KeyTunnels(boolean forwarding, Optional<Set<String>> permitOpen) {
    /** MINA itself checks from= and expiry-time=; the others limit what the gateway never offers (pty, agent, X11, rc). */
    private static final Set<String> HONOURED = Set.of("from", "expiry-time", "restrict", "no-port-forwarding", "port-forwarding",
            "permitopen", "no-pty", "no-agent-forwarding", "no-x11-forwarding", "no-user-rc");

    /** A key's options: its tunnels, or why the key is refused. */
    sealed interface Parsed permits Allowed, Refused {
    }

    record Allowed(KeyTunnels tunnels) implements Parsed {
    }

    record Refused(String reason) implements Parsed {
    }

    /** @param options as MINA parses them: repeated options joined by commas */
    static Parsed parse(Map<String, String> options) {
        Map<String, String> lower = new HashMap<>();
        options.forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), value));
        Set<String> unknown = new TreeSet<>(lower.keySet());
        unknown.removeAll(HONOURED);
        if (!unknown.isEmpty()) {
            return new Refused("authorized_keys option(s) " + String.join(",", unknown) + " that the gateway does not honour");
        }
        boolean forwarding = !lower.containsKey("no-port-forwarding") && (!lower.containsKey("restrict") || lower.containsKey("port-forwarding"));
        String open = lower.get("permitopen");
        if (open == null) {
            return new Allowed(new KeyTunnels(forwarding, Optional.empty()));
        }
        Set<String> destinations = new LinkedHashSet<>();
        for (String destination : List.of(open.split(","))) {
            String trimmed = destination.trim().toLowerCase(Locale.ROOT);
            int colon = trimmed.lastIndexOf(':');
            String port = colon < 0 ? "" : trimmed.substring(colon + 1);
            if (colon <= 0 || !(port.equals("*") || port.matches("[0-9]{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65_535)) {
                return new Refused("authorized_keys option permitopen=\"" + destination.trim() + "\" is not host:port");
            }
            destinations.add(trimmed);
        }
        return new Allowed(new KeyTunnels(forwarding, Optional.of(destinations)));
    }

    /** Whether the key may open a tunnel to {@code host} (as the client named it) and {@code port}. */
    boolean allows(String host, int port) {
        if (!forwarding) {
            return false;
        }
        String named = (host.indexOf(':') >= 0 ? "[" + host + "]" : host).toLowerCase(Locale.ROOT);
        return permitOpen.map(open -> open.contains(named + ":" + port) || open.contains(named + ":*")).orElse(true);
    }

    /** How the options read, for the refusal's message. */
    String describe() {
        return forwarding ? "permitopen=" + String.join(",", permitOpen.orElseThrow()) : "no port forwarding";
    }
}
