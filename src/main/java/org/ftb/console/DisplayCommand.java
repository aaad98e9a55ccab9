package org.ftb.console;

import org.ftb.message.Msg;
import org.ftb.rules.DestinationPattern;
import org.ftb.rules.PortRange;
import org.ftb.rules.Rule;
import org.ftb.status.BrokerStatus;
import org.ftb.status.GatewayStatus;
import org.ftb.status.ServiceStatus;
import org.ftb.status.SshConnectionView;
import org.ftb.status.Totals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * DISPLAY (D): the summary, and DISPLAY SESSIONS, RULES, SSH and CONFIG, each one multi-line response
 * that fits the MVS console ({@link ConsoleText#WIDTH} columns): a header message and one entry per item,
 * and how many were left out of a long list. The gateway shows its own figures.
 */
final class DisplayCommand implements ConsoleCommand {
    /** More entries than this would flood a console; the count of the rest is shown instead. */
    static final int MAX_ROWS = 50;
    /** An entry's further lines start under its first line's second column. */
    static final String NEXT_LINE = "          ";
    private static final Set<String> SECTIONS = Set.of("SESSIONS", "RULES", "SSH", "CONFIG");

    private final BrokerControl control;
    /** The broker's rules, SSH connections and configuration; null for the gateway, which has none. */
    private final BrokerDetails details;

    DisplayCommand(BrokerControl control, BrokerDetails details) {
        this.control = control;
        this.details = details;
    }

    @Override
    public String name() {
        return "DISPLAY";
    }

    @Override
    public String abbreviation() {
        return "D";
    }

    @Override
    public String summary() {
        return "summary; D SESSIONS|RULES|SSH|CONFIG for the details";
    }

    @Override
    public List<String> run(List<String> operands, String origin) throws CommandException {
        Set<String> sections = details != null ? SECTIONS : Set.of("SESSIONS");
        Operands given = Operands.parse(name(), operands, sections, Set.of("RULE", "USER", "CLIENT"));
        if (given.words().size() > 1) {
            throw new CommandException("DISPLAY shows one of " + String.join(" ", sections.stream().sorted().toList()) + " at a time");
        }
        String section = given.words().isEmpty() ? "" : given.words().get(0);
        if (!section.equals("SESSIONS") && (given.value("RULE").isPresent() || given.value("USER").isPresent()
                || given.value("CLIENT").isPresent())) {
            throw new CommandException("RULE=, USER= and CLIENT= select sessions: DISPLAY SESSIONS RULE=name");
        }
        return switch (section) {
            case "SESSIONS" -> SessionsDisplay.lines(control.status(), new SessionsDisplay.Filter(given.value("RULE"),
                    given.value("USER"), given.value("CLIENT")));
            case "RULES" -> rules();
            case "SSH" -> ssh();
            case "CONFIG" -> config();
            default -> summary(control.status());
        };
    }

    private static List<String> summary(ServiceStatus status) {
        List<String> lines = new ArrayList<>();
        lines.add(Msg.FTB0310I.format(" " + status.version() + " " + state(status) + " UP " + duration(status.uptime())));
        if (status instanceof GatewayStatus g) {
            lines.add(" LISTEN   " + g.listener() + "  SSH  AUTH " + g.auth());
            lines.add(" SESSIONS " + g.activeSessions() + " (NO LIMIT)  PEAK " + g.peakSessions());
            lines.add(" TOTALS   ACCEPTED " + g.accepted() + " TUNNELS " + g.tunnels() + " DENIED " + g.denied());
            lines.add("          BADPASSWORD " + g.passwordRefused());
            return lines;
        }
        BrokerStatus s = (BrokerStatus) status;
        Totals t = s.totals();
        lines.add(" CONFIG   " + s.source() + " GENERATION " + s.generation());
        lines.add(" LISTEN   " + (s.listeners().isEmpty() ? "NONE" : String.join(" ", s.listeners())));
        lines.add(" SOCKS    " + s.protocols() + "  AUTH " + s.auth());
        lines.add(" SESSIONS " + s.activeSessions() + " OF " + s.maxSessions() + "  PEAK " + t.peak() + "  LOGGING IN " + s.loggingIn()
                + (s.heldUploads() > 0 ? "  HELD UPLOADS " + s.heldUploads() : ""));
        lines.add(" SSH      " + s.sshConnections() + " CONNECTION(S)");
        lines.add(" TOTALS   ACCEPTED " + t.accepted() + " RELAYED " + t.relayed() + " DENIED " + t.denied()
                + " REFUSED " + t.refused());
        lines.add(NEXT_LINE + "FAILED " + t.failed() + " BUSY " + t.busy() + " FALLBACKS " + t.fallbacks());
        lines.add(" BYTES    UP " + t.bytesUp() + " DOWN " + t.bytesDown() + "  TRANSFERS " + t.transfers());
        Map<String, Long> failures = s.endings().entrySet().stream().filter(e -> !e.getKey().equals("OK"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, Long::sum, java.util.TreeMap::new));
        lines.add(" ENDED    OK " + s.endings().getOrDefault("OK", 0L) + failures.entrySet().stream()
                .map(e -> " " + e.getKey() + " " + e.getValue()).collect(Collectors.joining()));
        return lines;
    }

    private static String state(ServiceStatus status) {
        if (status.stopping()) {
            return "STOPPING";
        }
        return status.draining() ? "DRAINING" : "ACTIVE";
    }

    private List<String> rules() {
        List<Rule> rules = details.rules();
        Map<String, Long> hits = details.ruleHits();
        List<String> lines = new ArrayList<>();
        lines.add(Msg.FTB0341I.format(rules.size(), details.configSource()));
        lines.add(String.format(Locale.ROOT, " %-8s %-9s %-8s %10s", "NAME", "ACTION", "VIA", "HITS"));
        lines.add(NEXT_LINE + "DEST  PORTS  OPTIONS");
        for (Rule rule : rules.subList(0, Math.min(MAX_ROWS, rules.size()))) {
            lines.add(String.format(Locale.ROOT, " %-8s %-9s %-8s %10d", rule.name(), rule.action(), rule.via().orElse("-"),
                    hits.getOrDefault(rule.name(), 0L)));
            lines.add(NEXT_LINE + rule.destinations().stream().map(DestinationPattern::text).collect(Collectors.joining(" "))
                    + "  " + rule.ports().stream().map(PortRange::text).collect(Collectors.joining(" "))
                    + rule.auth().map(a -> "  AUTH(" + a + ")").orElse("") + rule.fallback().map(f -> " FALLBACK(" + f + ")").orElse(""));
        }
        leftOut(lines, rules.size(), "rules");
        lines.add(String.format(Locale.ROOT, " %-27s %10d", "NO RULE MATCHED (DENIED)", hits.getOrDefault("(none)", 0L)));
        return lines;
    }

    private List<String> ssh() {
        List<SshConnectionView> connections = details.sshConnections();
        List<String> lines = new ArrayList<>();
        lines.add(Msg.FTB0342I.format(connections.size()));
        if (!connections.isEmpty()) {
            lines.add(String.format(Locale.ROOT, " %-8s %8s %8s %s", "SSHHOST", "CHANNELS", "AGE", "SERVER"));
            lines.add(NEXT_LINE + "KEX  CIPHER  HOSTKEY");
        }
        for (SshConnectionView c : connections.subList(0, Math.min(MAX_ROWS, connections.size()))) {
            lines.add(String.format(Locale.ROOT, " %-8s %8d %8s %s%s", c.sshHost(), c.channels(), duration(c.age()), c.server(),
                    c.retiring() ? " RETIRING" : ""));
            lines.add(NEXT_LINE + c.kex() + "  " + c.cipher() + "  " + c.hostKeyType());
        }
        leftOut(lines, connections.size(), "SSH connections");
        return lines;
    }

    private List<String> config() {
        List<String> lines = new ArrayList<>();
        lines.add(Msg.FTB0343I.format(details.configSource()));
        details.effectiveConfiguration().forEach(statement -> lines.add(" " + statement));
        return lines;
    }

    /** The count of entries beyond {@link #MAX_ROWS}, which are not shown. */
    static void leftOut(List<String> lines, int total, String what) {
        if (total > MAX_ROWS) {
            lines.add(" ... " + (total - MAX_ROWS) + " more " + what + " not shown");
        }
    }

    /** A byte count in at most 8 characters: exact below 100 million, then in MiB or GiB (K = 1024). */
    static String amount(long bytes) {
        if (bytes < 100_000_000L) {
            return Long.toString(bytes);
        }
        return bytes < 100_000L << 20 ? (bytes >> 20) + "M" : (bytes >> 30) + "G";
    }

    static String duration(Duration d) {
        long seconds = d.toSeconds();
        return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
