package org.ftb.console;

import org.ftb.message.Msg;
import org.ftb.status.ServiceStatus;
import org.ftb.status.SessionView;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * DISPLAY SESSIONS: one entry per session, an FTP session's data connections under it. Fixed-width
 * fields come first and values of any length last, each line led by its own kind of field, so that a
 * long value never pushes another into a column where it reads as something else.
 */
final class SessionsDisplay {
    private SessionsDisplay() {
    }

    /**
     * Which sessions to show; every value is compared without regard to case, since MODIFY text arrives
     * upper-cased.
     *
     * @param user   the SOCKS user or the FTP user
     * @param client the client's address, with or without its port
     */
    record Filter(Optional<String> rule, Optional<String> user, Optional<String> client) {
        boolean accepts(SessionView v) {
            return rule.map(r -> r.equalsIgnoreCase(v.rule())).orElse(true)
                    && user.map(u -> users(v).stream().anyMatch(u::equalsIgnoreCase)).orElse(true)
                    && client.map(c -> c.equalsIgnoreCase(v.client()) || c.equalsIgnoreCase(host(v.client()))).orElse(true);
        }

        String text() {
            String text = rule.map(r -> " RULE=" + r).orElse("") + user.map(u -> " USER=" + u).orElse("")
                    + client.map(c -> " CLIENT=" + c).orElse("");
            return text.isEmpty() ? "" : " WHERE" + text;
        }
    }

    /** The SOCKS user and the FTP user of a session's user field ("JOB1/ftp:BOB"). */
    private static List<String> users(SessionView v) {
        int ftp = v.user().indexOf("/ftp:");
        return ftp < 0 ? List.of(v.user()) : List.of(v.user().substring(0, ftp), v.user().substring(ftp + 5));
    }

    /** The address of host:port or [v6]:port. */
    private static String host(String client) {
        int colon = client.lastIndexOf(':');
        String host = colon < 0 ? client : client.substring(0, colon);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    static List<String> lines(ServiceStatus status, Filter filter) {
        List<SessionView> all = status.sessions();
        Map<Long, List<SessionView>> data = new LinkedHashMap<>();
        Map<Long, SessionView> byId = new LinkedHashMap<>();
        all.forEach(v -> byId.put(v.id(), v));
        List<SessionView> entries = new ArrayList<>();
        for (SessionView v : all) {
            if (v.controlId() != 0 && byId.containsKey(v.controlId())) {
                data.computeIfAbsent(v.controlId(), id -> new ArrayList<>()).add(v);
            } else if (filter.accepts(v)) {
                entries.add(v);
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add(Msg.FTB0340I.format(entries.size(), all.size(), filter.text()));
        if (!entries.isEmpty()) {
            lines.add(String.format(Locale.ROOT, " %-8s %-9s %-10s %s", "ID", "ACTION", "PHASE", "RULE"));
            lines.add(DisplayCommand.NEXT_LINE + "DESTINATION VIA");
            lines.add(String.format(Locale.ROOT, "%s%8s %8s %8s %6s %s", DisplayCommand.NEXT_LINE, "UP", "DOWN", "AGE", "IDLE",
                    "CLIENT USER"));
        }
        for (SessionView v : entries.subList(0, Math.min(DisplayCommand.MAX_ROWS, entries.size()))) {
            lines.add(String.format(Locale.ROOT, " %-8s %-9s %-10s %s", v.tag(), v.action(), v.phase(), v.rule()));
            lines.add(DisplayCommand.NEXT_LINE + v.destination() + (v.via().equals("-") ? "" : " VIA " + v.via()));
            lines.add(String.format(Locale.ROOT, "%s%8s %8s %8s %6s %s %s", DisplayCommand.NEXT_LINE, DisplayCommand.amount(v.bytesUp()),
                    DisplayCommand.amount(v.bytesDown()), DisplayCommand.duration(v.age()), v.idle().toSeconds() + "s", v.client(), v.user()));
            if (!v.details().isEmpty()) {
                lines.add(DisplayCommand.NEXT_LINE + v.details());
            }
            if (!v.activity().isEmpty()) {
                lines.add(DisplayCommand.NEXT_LINE + "NOW " + v.activity());
            }
            for (SessionView d : data.getOrDefault(v.id(), List.of())) {
                lines.add(String.format(Locale.ROOT, "%sDATA %-8s %-10s UP %s DOWN %s", DisplayCommand.NEXT_LINE, d.tag(), d.phase(),
                        DisplayCommand.amount(d.bytesUp()), DisplayCommand.amount(d.bytesDown())));
            }
        }
        DisplayCommand.leftOut(lines, entries.size(), "sessions");
        return lines;
    }
}
