package org.ftb.config;

import org.ftb.rules.Rule;
import org.ftb.rules.RuleSet;

import java.util.List;

/** A whole, validated configuration. */
public record BrokerConfig(String source, BrokerSettings broker, SocksSettings socks, List<Rule> rules,
                           List<SshHostSettings> sshHosts, DataSettings data, java.util.Optional<GatewaySettings> gateway,
                           LogSettings log, ControlSettings control) {
    public BrokerConfig {
        rules = List.copyOf(rules);
        sshHosts = List.copyOf(sshHosts);
    }

    public java.util.Optional<SshHostSettings> sshHost(String name) {
        return sshHosts.stream().filter(h -> h.name().equals(name)).findFirst();
    }

    public RuleSet ruleSet() {
        return new RuleSet(rules);
    }
}
