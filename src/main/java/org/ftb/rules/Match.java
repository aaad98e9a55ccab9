package org.ftb.rules;

import java.util.Optional;

/**
 * The outcome of matching a destination: the rule that decided (empty when none matched, which
 * denies) and why, in words an operator can check against the configuration.
 */
public record Match(Optional<Rule> rule, String reason) {

    public Action action() {
        return rule.map(Rule::action).orElse(Action.DENY);
    }

    public String ruleName() {
        return rule.map(Rule::name).orElse("(none)");
    }
}
