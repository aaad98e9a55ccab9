package org.ftb.console;

import org.ftb.message.Msg;
import org.ftb.status.BrokerStatus;
import org.ftb.status.GatewayStatus;
import org.ftb.status.ServiceStatus;
import org.ftb.status.SessionView;
import org.ftb.status.Totals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * DISPLAY (D): listeners, counters and active connections, as one multi-line response that fits the MVS
 * console ({@link ConsoleText#WIDTH} columns); the gateway shows its own figures.
 */
final class DisplayCommand implements ConsoleCommand {
    /** More rows than this would flood a console; the count of the rest is shown instead. */
    static final int MAX_SESSION_ROWS = 50;
    /** A session's further lines start under its first line's ACTION column. */
    private static final String NEXT_LINE = "          ";

    private final BrokerControl control;

    DisplayCommand(BrokerControl control) {
        this.control = control;
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
        return "show listeners, totals and active connections";
    }

    @Override
    public List<String> run(List<String> operands, String origin) throws CommandException {
        CommandDispatcher.noOperands(this, operands);
        ServiceStatus status = control.status();
        List<String> lines = new ArrayList<>();
        lines.add(Msg.FTB0310I.format(" " + status.version() + (status.stopping() ? " STOPPING" : " ACTIVE") + " UP "
                + duration(status.uptime())));
        if (status instanceof GatewayStatus g) {
            gateway(g, lines);
        } else {
            broker((BrokerStatus) status, lines);
        }
        return lines;
    }

    private static void gateway(GatewayStatus g, List<String> lines) {
        lines.add(" LISTEN   " + g.listener() + "  SSH  AUTH " + g.auth());
        lines.add(" SESSIONS " + g.activeSessions() + " (NO LIMIT)  PEAK " + g.peakSessions());
        lines.add(" TOTALS   ACCEPTED " + g.accepted() + " TUNNELS " + g.tunnels() + " DENIED " + g.denied());
        lines.add("          BADPASSWORD " + g.passwordRefused());
    }

    private static void broker(BrokerStatus s, List<String> lines) {
        Totals t = s.totals();
        lines.add(" LISTEN   " + String.join(" ", s.listeners()));
        lines.add(" SOCKS    " + s.protocols() + "  AUTH " + s.auth());
        lines.add(" SESSIONS " + s.activeSessions() + " OF " + s.maxSessions() + "  PEAK " + t.peak() + "  LOGGING IN " + s.loggingIn()
                + (s.heldUploads() > 0 ? "  HELD UPLOADS " + s.heldUploads() : ""));
        lines.add(" TOTALS   ACCEPTED " + t.accepted() + " RELAYED " + t.relayed() + " DENIED " + t.denied()
                + " REFUSED " + t.refused());
        lines.add("          FAILED " + t.failed() + " BUSY " + t.busy());
        lines.add(" BYTES    UP " + t.bytesUp() + " DOWN " + t.bytesDown());
        if (!s.sessions().isEmpty()) {
            lines.add(String.format(Locale.ROOT, " %-8s %-9s %-10s %s", "ID", "ACTION", "PHASE", "RULE"));
            lines.add(NEXT_LINE + "DESTINATION");
            lines.add(String.format(Locale.ROOT, "%s%8s %8s %8s %6s %s", NEXT_LINE, "UP", "DOWN", "AGE", "IDLE", "CLIENT USER"));
        }
        // Fixed-width fields first and values of any length last, each line led by its own kind of
        // field, so that a long value never pushes another into a column where it reads as something else.
        for (SessionView v : s.sessions().subList(0, Math.min(MAX_SESSION_ROWS, s.sessions().size()))) {
            lines.add(String.format(Locale.ROOT, " %-8s %-9s %-10s %s", v.tag(), v.action(), v.phase(), v.rule()));
            lines.add(NEXT_LINE + v.destination());
            lines.add(String.format(Locale.ROOT, "%s%8s %8s %8s %6s %s %s", NEXT_LINE, amount(v.bytesUp()), amount(v.bytesDown()),
                    duration(v.age()), v.idle().toSeconds() + "s", v.client(), v.user()));
            if (!v.details().isEmpty()) {
                lines.add(NEXT_LINE + v.details());
            }
        }
        if (s.sessions().size() > MAX_SESSION_ROWS) {
            lines.add(" ... " + (s.sessions().size() - MAX_SESSION_ROWS) + " more sessions not shown");
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
