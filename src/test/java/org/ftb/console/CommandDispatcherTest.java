package org.ftb.console;

import org.ftb.message.MessageLog;
import org.ftb.status.BrokerStatus;
import org.ftb.status.SessionView;
import org.ftb.status.Totals;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CommandDispatcherTest {
    private final List<String> stops = new ArrayList<>();
    private final List<SessionView> sessions = new ArrayList<>();

    private final BrokerControl control = new BrokerControl() {
        @Override
        public BrokerStatus status() {
            return new BrokerStatus("1.0", !stops.isEmpty(), Duration.ofSeconds(3723), List.of("127.0.0.1:1080"), "4 5", "NONE",
                    sessions.size(), 2000, 1, 0, new Totals(10, 6, 2, 1, 1, 0, 1234, 5678, 7, 3), sessions);
        }

        @Override
        public boolean stop(String origin) {
            stops.add(origin);
            return stops.size() == 1;
        }
    };

    private final CommandDispatcher dispatcher = CommandDispatcher.standard(control, new MessageLog(LoggerFactory.getLogger("ftb")));

    private static SessionView session(long id) {
        return new SessionView(id, "127.0.0.1:40122", "SOCKS5", "JOB1", "ftp.example.com:21", "10.1.1.5", "FTP", "DIRECT", "-",
                "RELAY", "", 100, 2000, Duration.ofSeconds(65), Duration.ofSeconds(2), "");
    }

    @Test
    void displayShowsListenersTotalsAndSessionsInAnyCase() {
        sessions.add(session(17));
        List<String> lines = dispatcher.dispatch("  d  ", "console");
        assertThat(lines).isEqualTo(dispatcher.dispatch("DISPLAY", "console")).isEqualTo(dispatcher.dispatch("display", "console"));
        assertThat(lines.get(0)).isEqualTo("FTB0310I FTB DISPLAY 1.0 ACTIVE UP 1:02:03");
        assertThat(lines).containsExactly("FTB0310I FTB DISPLAY 1.0 ACTIVE UP 1:02:03",
                " LISTEN   127.0.0.1:1080",
                " SOCKS    4 5  AUTH NONE",
                " SESSIONS 1 OF 2000  PEAK 7  LOGGING IN 1",
                " TOTALS   ACCEPTED 10 RELAYED 6 DENIED 2 REFUSED 1",
                "          FAILED 1 BUSY 0",
                " BYTES    UP 1234 DOWN 5678",
                " ID       ACTION    PHASE      RULE",
                "          DESTINATION",
                "                UP     DOWN      AGE   IDLE CLIENT USER",
                " C17      DIRECT    RELAY      FTP",
                "          ftp.example.com:21",
                "               100     2000  0:01:05     2s 127.0.0.1:40122 JOB1");
    }

    @Test
    void issue8EveryDisplayLineFitsTheMvsConsole() {
        sessions.add(new SessionView(123456, "[2001:db8:1234:5678:9abc:def0:1234:5678]:65535", "SOCKS5", "AVERYLONGSOCKSUSERNAME",
                "a-very-long-host-name.department.example.com:65535", "-", "RULENAME", "FTPTUNNEL", "GW", "CONNECTING", "",
                123_456_789_012L, 99_999_999L, Duration.ofDays(3), Duration.ofSeconds(100_000),
                "ftpuser=someone sshuser=someone transfers=12 databytes=123456789012 lastleg=CLEAR-from-gateway.example.com"));
        List<String> lines = dispatcher.dispatch("D", "MODIFY");
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(70));
        String all = String.join(" ", lines).replaceAll(" +", " ");
        assertThat(all).as("nothing is cut off").contains("[2001:db8:1234:5678:9abc:def0:1234:5678]:65535", "AVERYLONGSOCKSUSERNAME",
                "a-very-long-host-name.department.example.com:65535", "114G", "99999999", "72:00:00", "100000s",
                "lastleg=CLEAR-from-gateway.example.com");
    }

    @Test
    void issue7DisplayShowsWhatClientsChoseOnlyAsPrintableText() {
        sessions.add(new SessionView(5, "127.0.0.1:40122", "SOCKS5", "u\u001b]0;owned\u0007", "ftp.example.com:21", "-", "FTP",
                "FTPTUNNEL", "GW", "RELAY", "", 0, 0, Duration.ZERO, Duration.ZERO, "ftpuser=a sshuser=job\r\n\u0085\u009b31m"));
        List<String> lines = dispatcher.dispatch("D", "console");
        assertThat(lines).allSatisfy(l -> assertThat(l.chars()).allMatch(c -> c >= 0x20 && c != 0x7F && (c < 0x80 || c > 0x9F)));
        assertThat(lines).anyMatch(l -> l.endsWith(" uX'1B']0;ownedX'07'"))
                .contains("          ftpuser=a sshuser=jobX'0D'X'0A'X'85'X'9B'31m");
    }

    @Test
    void displayLimitsTheRowsItShows() {
        for (int i = 0; i < 60; i++) {
            sessions.add(session(i));
        }
        List<String> lines = dispatcher.dispatch("DISPLAY", "console");
        assertThat(lines).hasSize(10 + 3 * DisplayCommand.MAX_SESSION_ROWS + 1);
        assertThat(lines.get(lines.size() - 1)).isEqualTo(" ... 10 more sessions not shown");
    }

    @Test
    void stopIsGracefulThenImmediate() {
        assertThat(dispatcher.dispatch("STOP", "console")).isEmpty();
        assertThat(dispatcher.dispatch("p", "MODIFY")).containsExactly(
                "FTB0303I STOP again: the remaining sessions are ended now");
        assertThat(stops).containsExactly("console", "MODIFY");
    }

    @Test
    void badCommandsGetPreciseMessages() {
        assertThat(dispatcher.dispatch("DSIPLAY", "console")).containsExactly(
                "FTB0301E Unknown command DSIPLAY; HELP lists the commands");
        assertThat(dispatcher.dispatch("DISPLAY SESSIONS", "console")).containsExactly(
                "FTB0302E DISPLAY takes no operands; found SESSIONS");
        assertThat(dispatcher.dispatch("STOP NOW", "console")).containsExactly("FTB0302E STOP takes no operands; found NOW");
        assertThat(dispatcher.dispatch("D \u00ac\u00a2", "MODIFY")).as("issue 8: EBCDIC's own characters are printable, but not ASCII")
                .containsExactly("FTB0302E command text may hold only printable ASCII characters");
        assertThat(dispatcher.dispatch("D\u0007", "console")).containsExactly("FTB0302E command text may hold only printable ASCII characters");
        assertThat(dispatcher.dispatch("D".repeat(300), "console")).containsExactly("FTB0302E command text is longer than 256 characters");
        assertThat(dispatcher.dispatch("   ", "console")).isEmpty();
        assertThat(stops).isEmpty();
    }

    @Test
    void helpListsEveryCommand() {
        assertThat(dispatcher.dispatch("HELP", "console")).containsExactly(
                "FTB0311I FTB COMMANDS",
                " DISPLAY  D   show listeners, totals and active connections",
                " STOP     P   graceful stop; a second STOP ends all sessions at once",
                " HELP     H   list the commands");
    }
}
