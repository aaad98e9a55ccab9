package org.ftb.rules;

import java.util.List;
import java.util.Optional;

/** The ordered rules of a configuration; the first rule that matches decides. */
public final class RuleSet {
    private final List<Rule> rules;

    public RuleSet(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public List<Rule> rules() {
        return rules;
    }

    public Match match(Destination destination) {
        for (Rule rule : rules) {
            Optional<DestinationPattern> dest = rule.destinationMatching(destination);
            if (dest.isEmpty()) {
                continue;
            }
            Optional<PortRange> port = rule.portMatching(destination.port());
            if (port.isEmpty()) {
                continue;
            }
            return new Match(Optional.of(rule), "rule " + rule.name() + " (line " + rule.line() + "): DEST "
                    + dest.get().text() + " matches " + destination.host()
                    + (destination.isName() && destination.address() != null && dest.get() instanceof DestinationPattern.Cidr
                    ? " (resolved)" : "")
                    + ", PORTS " + port.get().text() + " matches " + destination.port()
                    + ", ACTION(" + rule.action() + ")");
        }
        String unresolved = destination.address() == null
                ? "; " + destination.host() + " did not resolve, so no address block could match" : "";
        return new Match(Optional.empty(), "no rule matches " + destination + unresolved + ": denied");
    }
}
