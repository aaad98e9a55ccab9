package org.ftb.console;

import org.ftb.rules.Rule;
import org.ftb.status.SshConnectionView;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** What only the broker has to show and switch: its rules, its SSH connections, its configuration, and the trace. */
public interface BrokerDetails {
    /** The rules in force, in order. */
    List<Rule> rules();

    /** Connections each rule decided since the start, by rule name; "(none)" for those no rule matched. */
    Map<String, Long> ruleHits();

    List<SshConnectionView> sshConnections();

    /** The configuration source, as --config named it. */
    String configSource();

    /** The configuration in force as statements, defaults included; never a secret (files are named, not read). */
    List<String> effectiveConfiguration();

    /**
     * TRACE ON or OFF, for every session or for one.
     *
     * @return the response lines
     */
    List<String> trace(boolean on, OptionalLong sessionId, String origin);
}
