package org.ftb.console;

import org.ftb.message.MessageLog;
import org.ftb.rules.Rule;
import org.ftb.status.BrokerStatus;
import org.ftb.status.SessionView;
import org.ftb.status.SshConnectionView;
import org.ftb.status.Totals;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dispatcher and the commands' text, over a service that records what it is asked; the commands
 * against a real broker are in {@code org.ftb.net.OperatorCommandsTest}.
 */
class CommandDispatcherTest {
    private final List<String> calls = new ArrayList<>();
    private final List<SessionView> sessions = new ArrayList<>();

    private final class Service implements BrokerControl, BrokerDetails {
        @Override
        public BrokerStatus status() {
            return new BrokerStatus("1.0", calls.contains("stop console"), Duration.ofSeconds(3723), "/etc/ftb.conf", 2, false,
                    List.of("127.0.0.1:1080"), "4 5", "NONE", sessions.size(), 2000, 1, 0, 3,
                    new Totals(10, 6, 2, 1, 1, 0, 1234, 5678, 7, 1, 4), Map.of("OK", 5L, "DENIED", 2L, "CANCELLED", 1L), sessions);
        }

        @Override
        public boolean stop(String origin) {
            calls.add("stop " + origin);
            return calls.stream().filter(c -> c.startsWith("stop ")).count() == 1;
        }

        @Override
        public void stopNow(String origin) {
            calls.add("stopNow " + origin);
        }

        @Override
        public List<String> drain(boolean on, String origin) {
            calls.add((on ? "drain " : "resume ") + origin);
            return List.of("DRAINED");
        }

        @Override
        public List<String> cancel(long sessionId, String origin) {
            calls.add("cancel " + sessionId + " " + origin);
            return List.of("CANCELLED");
        }

        @Override
        public List<String> reload(String origin) {
            calls.add("reload " + origin);
            return List.of("RELOADED");
        }

        @Override
        public List<Rule> rules() {
            return org.ftb.config.ConfigFixtures.config("""
                    SSHHOST NAME(GW) HOST(gw.example.com) KNOWNHOSTS('/dev/null')
                    RULE NAME(MVS) DEST(10.1.0.0/16 *.mvs.example.com) PORTS(21) ACTION(FTPTUNNEL) VIA(GW) FALLBACK(NO)
                    RULE NAME(REST) ACTION(DENY)
                    """).rules();
        }

        @Override
        public Map<String, Long> ruleHits() {
            return Map.of("MVS", 12L, "(none)", 3L);
        }

        @Override
        public List<SshConnectionView> sshConnections() {
            return List.of(new SshConnectionView("GW", "job1@10.1.1.5:22", 3, Duration.ofSeconds(61), true, "curve25519-sha256",
                    "aes128-gcm@openssh.com", "ssh-ed25519"));
        }

        @Override
        public String configSource() {
            return "/etc/ftb.conf";
        }

        @Override
        public List<String> effectiveConfiguration() {
            return List.of("BROKER MAXSESSIONS(2000)", "RULE NAME(REST) DEST(*) PORTS(*) ACTION(DENY)");
        }

        @Override
        public List<String> trace(boolean on, OptionalLong sessionId, String origin) {
            calls.add("trace " + on + " " + sessionId + " " + origin);
            return List.of("TRACED");
        }
    }

    private final CommandDispatcher dispatcher = CommandDispatcher.standard(new Service(), new MessageLog(LoggerFactory.getLogger("ftb")));

    private static SessionView session(long id) {
        return new SessionView(id, "127.0.0.1:40122", "SOCKS5", "JOB1", "ftp.example.com:21", "10.1.1.5", "FTP", "DIRECT", "-",
                "RELAY", "", 100, 2000, Duration.ofSeconds(65), Duration.ofSeconds(2), "", 0, "");
    }

    @Test
    void displayShowsTheSummaryInAnyCase() {
        List<String> lines = dispatcher.dispatch("  d  ", "console");
        assertThat(lines).isEqualTo(dispatcher.dispatch("DISPLAY", "console")).isEqualTo(dispatcher.dispatch("display", "console"));
        assertThat(lines).containsExactly("FTB0310I FTB DISPLAY 1.0 ACTIVE UP 1:02:03",
                " CONFIG   /etc/ftb.conf GENERATION 2",
                " LISTEN   127.0.0.1:1080",
                " SOCKS    4 5  AUTH NONE",
                " SESSIONS 0 OF 2000  PEAK 7  LOGGING IN 1",
                " SSH      3 CONNECTION(S)",
                " TOTALS   ACCEPTED 10 RELAYED 6 DENIED 2 REFUSED 1",
                "          FAILED 1 BUSY 0 FALLBACKS 1",
                " BYTES    UP 1234 DOWN 5678  TRANSFERS 4",
                " ENDED    OK 5 CANCELLED 1 DENIED 2");
    }

    @Test
    void displaySessionsShowsEachSessionWithItsDataConnectionsUnderIt() {
        sessions.add(session(17));
        sessions.add(new SessionView(18, "127.0.0.1:40123", "SOCKS5", "JOB1", "ftp.example.com:30000", "-", "FTP", "FTPDATA(C17)", "GW",
                "RELAY", "", 0, 1_000_000, Duration.ofSeconds(1), Duration.ZERO, "", 17, ""));
        assertThat(dispatcher.dispatch("D SESSIONS", "console")).containsExactly(
                "FTB0340I FTB SESSIONS 1 SHOWN OF 2",
                " ID       ACTION    PHASE      RULE",
                "          DESTINATION VIA",
                "                UP     DOWN      AGE   IDLE CLIENT USER",
                " C17      DIRECT    RELAY      FTP",
                "          ftp.example.com:21",
                "               100     2000  0:01:05     2s 127.0.0.1:40122 JOB1",
                "          DATA C18      RELAY      UP 0 DOWN 1000000");
    }

    @Test
    void displaySessionsSelectsByRuleUserAndClientWithoutRegardToCase() {
        sessions.add(session(1));
        sessions.add(new SessionView(2, "[::1]:4000", "SOCKS5", "-/ftp:bob", "ftp.example.com:21", "-", "MVS", "FTPTUNNEL", "GW",
                "RELAY", "", 0, 0, Duration.ZERO, Duration.ZERO, "", 0, ""));
        assertThat(dispatcher.dispatch("D SESSIONS RULE=mvs", "MODIFY")).anyMatch(l -> l.startsWith(" C2 ")).noneMatch(l -> l.startsWith(" C1 "));
        assertThat(dispatcher.dispatch("D SESSIONS USER=BOB", "MODIFY").get(0)).isEqualTo("FTB0340I FTB SESSIONS 1 SHOWN OF 2 WHERE USER=BOB");
        assertThat(dispatcher.dispatch("D SESSIONS CLIENT=::1", "MODIFY")).anyMatch(l -> l.startsWith(" C2 "));
        assertThat(dispatcher.dispatch("D SESSIONS CLIENT=127.0.0.1 USER=JOB1", "MODIFY")).anyMatch(l -> l.startsWith(" C1 "))
                .noneMatch(l -> l.startsWith(" C2 "));
        assertThat(dispatcher.dispatch("D SESSIONS USER=NOBODY", "MODIFY")).containsExactly(
                "FTB0340I FTB SESSIONS 0 SHOWN OF 2 WHERE USER=NOBODY");
    }

    @Test
    void issue8EveryDisplayLineFitsTheMvsConsole() {
        sessions.add(new SessionView(123456, "[2001:db8:1234:5678:9abc:def0:1234:5678]:65535", "SOCKS5", "AVERYLONGSOCKSUSERNAME",
                "a-very-long-host-name.department.example.com:65535", "-", "RULENAME", "FTPTUNNEL", "GW", "CONNECTING", "",
                123_456_789_012L, 99_999_999L, Duration.ofDays(3), Duration.ofSeconds(100_000),
                "ftpuser=someone sshuser=someone transfers=12 databytes=123456789012 lastleg=CLEAR-from-gateway.example.com", 0, ""));
        List<String> lines = dispatcher.dispatch("D SESSIONS", "MODIFY");
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(70));
        String all = org.ftb.testing.Responses.text(lines);
        assertThat(all).as("nothing is cut off").contains("[2001:db8:1234:5678:9abc:def0:1234:5678]:65535", "AVERYLONGSOCKSUSERNAME",
                "a-very-long-host-name.department.example.com:65535", "114G", "99999999", "72:00:00", "100000s",
                "lastleg=CLEAR-from-gateway.example.com");
        for (String command : List.of("D", "D RULES", "D SSH", "D CONFIG", "HELP")) {
            assertThat(dispatcher.dispatch(command, "MODIFY")).as(command).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(70));
        }
    }

    @Test
    void issue7DisplayShowsWhatClientsChoseOnlyAsPrintableText() {
        sessions.add(new SessionView(5, "127.0.0.1:40122", "SOCKS5", "u\u001b]0;owned\u0007", "ftp.example.com:21", "-", "FTP",
                "FTPTUNNEL", "GW", "RELAY", "", 0, 0, Duration.ZERO, Duration.ZERO, "ftpuser=a sshuser=job\r\n\u0085\u009b31m", 0,
                "RETR a\u001bb"));
        List<String> lines = dispatcher.dispatch("D SESSIONS", "console");
        assertThat(lines).allSatisfy(l -> assertThat(l.chars()).allMatch(c -> c >= 0x20 && c != 0x7F && (c < 0x80 || c > 0x9F)));
        assertThat(lines).anyMatch(l -> l.endsWith(" uX'1B']0;ownedX'07'"))
                .contains("          ftpuser=a sshuser=jobX'0D'X'0A'X'85'X'9B'31m", "          NOW RETR aX'1B'b");
    }

    @Test
    void displaySessionsLimitsTheEntriesItShows() {
        for (int i = 1; i <= 60; i++) {
            sessions.add(session(i));
        }
        List<String> lines = dispatcher.dispatch("DISPLAY SESSIONS", "console");
        assertThat(lines).hasSize(4 + 3 * DisplayCommand.MAX_ROWS + 1);
        assertThat(lines.get(lines.size() - 1)).isEqualTo(" ... 10 more sessions not shown");
    }

    @Test
    void displayRulesShowsEachRuleWithItsHits() {
        assertThat(dispatcher.dispatch("D RULES", "console")).containsExactly(
                "FTB0341I FTB RULES 2 FROM /etc/ftb.conf",
                " NAME     ACTION    VIA            HITS",
                "          DEST  PORTS  OPTIONS",
                " MVS      FTPTUNNEL GW               12",
                "          10.1.0.0/16 *.mvs.example.com  21  AUTH(FTPLOGIN)",
                "       ... FALLBACK(NO)",
                " REST     DENY      -                 0",
                "          *  *",
                " NO RULE MATCHED (DENIED)             3");
    }

    @Test
    void displaySshShowsEachPooledConnection() {
        assertThat(dispatcher.dispatch("D SSH", "console")).containsExactly(
                "FTB0342I FTB SSH CONNECTIONS 1",
                " SSHHOST  CHANNELS      AGE SERVER",
                "          KEX  CIPHER  HOSTKEY",
                " GW              3  0:01:01 job1@10.1.1.5:22 RETIRING",
                "          curve25519-sha256  aes128-gcm@openssh.com  ssh-ed25519");
    }

    @Test
    void displayConfigShowsTheSourceAndTheStatements() {
        assertThat(dispatcher.dispatch("D CONFIG", "console")).containsExactly(
                "FTB0343I FTB CONFIG /etc/ftb.conf; secrets are named by their files,",
                "       ... never shown",
                " BROKER MAXSESSIONS(2000)",
                " RULE NAME(REST) DEST(*) PORTS(*) ACTION(DENY)");
    }

    @Test
    void theActionCommandsReachTheServiceWithTheirOperands() {
        assertThat(dispatcher.dispatch("RELOAD", "MODIFY")).containsExactly("RELOADED");
        assertThat(dispatcher.dispatch("DRAIN", "ctl")).containsExactly("DRAINED");
        assertThat(dispatcher.dispatch("RESUME", "ctl")).containsExactly("DRAINED");
        assertThat(dispatcher.dispatch("CANCEL SESSION=C17", "MODIFY")).containsExactly("CANCELLED");
        assertThat(dispatcher.dispatch("C SESSION=18", "MODIFY")).containsExactly("CANCELLED");
        assertThat(dispatcher.dispatch("TRACE ON", "console")).containsExactly("TRACED");
        assertThat(dispatcher.dispatch("TRACE OFF SESSION=C5", "console")).containsExactly("TRACED");
        assertThat(calls).containsExactly("reload MODIFY", "drain ctl", "resume ctl", "cancel 17 MODIFY", "cancel 18 MODIFY",
                "trace true OptionalLong.empty console", "trace false OptionalLong[5] console");
    }

    @Test
    void stopIsGracefulThenImmediateAndForceIsImmediate() {
        assertThat(dispatcher.dispatch("STOP", "console")).isEmpty();
        assertThat(dispatcher.dispatch("p", "MODIFY")).containsExactly("FTB0303I STOP: the remaining sessions are ended now");
        assertThat(dispatcher.dispatch("P FORCE", "ctl")).containsExactly("FTB0303I STOP: the remaining sessions are ended now");
        assertThat(calls).containsExactly("stop console", "stop MODIFY", "stopNow ctl");
    }

    @Test
    void badCommandsGetPreciseMessagesAndDoNothing() {
        assertThat(dispatcher.dispatch("DSIPLAY", "console")).containsExactly(
                "FTB0301E Unknown command DSIPLAY; HELP lists the commands");
        assertThat(dispatcher.dispatch("DISPLAY SESSION", "console")).containsExactly(
                "FTB0302E DISPLAY does not take SESSION; it takes CONFIG RULES SESSIONS",
                "       ... SSH CLIENT= RULE= USER=");
        assertThat(dispatcher.dispatch("D RULES SSH", "console")).containsExactly(
                "FTB0302E DISPLAY shows one of CONFIG RULES SESSIONS SSH at a time");
        assertThat(dispatcher.dispatch("D RULE=X", "console")).containsExactly(
                "FTB0302E RULE=, USER= and CLIENT= select sessions: DISPLAY SESSIONS",
                "       ... RULE=name");
        assertThat(dispatcher.dispatch("STOP NOW", "console")).containsExactly("FTB0302E STOP does not take NOW; it takes FORCE");
        assertThat(dispatcher.dispatch("RELOAD ALL", "console")).containsExactly("FTB0302E RELOAD does not take ALL; it takes no operands");
        assertThat(dispatcher.dispatch("CANCEL", "console")).containsExactly("FTB0302E CANCEL needs SESSION=id, such as SESSION=C17");
        assertThat(dispatcher.dispatch("CANCEL SESSION=", "console")).containsExactly("FTB0302E CANCEL SESSION= needs a value");
        assertThat(dispatcher.dispatch("CANCEL SESSION=X1", "console")).containsExactly(
                "FTB0302E SESSION=X1 is no session number here, such as C17");
        assertThat(dispatcher.dispatch("CANCEL SESSION=1 SESSION=2", "console")).containsExactly(
                "FTB0302E CANCEL SESSION= is given twice");
        assertThat(dispatcher.dispatch("TRACE", "console")).containsExactly("FTB0302E TRACE needs one of ON or OFF");
        assertThat(dispatcher.dispatch("TRACE ON OFF", "console")).containsExactly("FTB0302E TRACE needs one of ON or OFF");
        assertThat(dispatcher.dispatch("D \u00ac\u00a2", "MODIFY")).as("issue 8: EBCDIC's own characters are printable, but not ASCII")
                .containsExactly("FTB0302E command text may hold only printable ASCII characters");
        assertThat(dispatcher.dispatch("D\u0007", "console")).containsExactly("FTB0302E command text may hold only printable ASCII characters");
        assertThat(dispatcher.dispatch("D".repeat(300), "console")).containsExactly("FTB0302E command text is longer than 256 characters");
        assertThat(dispatcher.dispatch("   ", "console")).isEmpty();
        assertThat(calls).isEmpty();
    }

    @Test
    void helpListsEveryCommand() {
        assertThat(dispatcher.dispatch("HELP", "console")).containsExactly(
                "FTB0311I FTB COMMANDS",
                " DISPLAY  D   summary; D SESSIONS|RULES|SSH|CONFIG for the details",
                " RELOAD       read the configuration again; new sessions use it",
                " DRAIN        refuse new sessions; active ones go on",
                " RESUME       take new sessions again after DRAIN",
                " CANCEL   C   end one session now: CANCEL SESSION=id",
                " TRACE        protocol trace: TRACE ON|OFF [SESSION=id]",
                " STOP     P   graceful stop; a second STOP or STOP FORCE ends all now",
                " HELP     H   list the commands");
    }
}
