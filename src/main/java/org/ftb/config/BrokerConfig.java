package org.ftb.config;

import org.ftb.rules.Rule;
import org.ftb.rules.RuleSet;

import java.util.List;

/** A whole, validated configuration. */
public record BrokerConfig(String source, BrokerSettings broker, SocksSettings socks, List<Rule> rules, LogSettings log) {
    public BrokerConfig {
        rules = List.copyOf(rules);
    }

    public RuleSet ruleSet() {
        return new RuleSet(rules);
    }
}
