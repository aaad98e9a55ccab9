package org.ftb.rules;

import java.util.List;
import java.util.Optional;

/**
 * One RULE statement. {@code via}, {@code auth} and {@code fallback} are set only for tunnel actions.
 *
 * @param line where the rule is written, so that explanations can point at it
 */
public record Rule(String name, int line, List<DestinationPattern> destinations, List<PortRange> ports,
                   Action action, Optional<String> via, Optional<TunnelAuth> auth, Optional<Fallback> fallback) {

    public Rule {
        destinations = List.copyOf(destinations);
        ports = List.copyOf(ports);
    }

    public static Rule of(String name, int line, List<DestinationPattern> destinations, List<PortRange> ports, Action action) {
        return new Rule(name, line, destinations, ports, action, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public Optional<DestinationPattern> destinationMatching(Destination destination) {
        return destinations.stream().filter(d -> d.matches(destination)).findFirst();
    }

    public Optional<PortRange> portMatching(int port) {
        return ports.stream().filter(p -> p.contains(port)).findFirst();
    }

    /** True when the rule matches every destination on every port. */
    public boolean matchesEverything() {
        return destinations.stream().anyMatch(d -> d instanceof DestinationPattern.Any)
                && ports.stream().anyMatch(PortRange.ALL::equals);
    }
}
