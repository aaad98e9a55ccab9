package org.ftb.ftp;

import org.ftb.ftp.Effect;
import org.ftb.message.Msg;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The FTP control-session state machine, without sockets: events in, effects out. */
class ControlSessionTest {
    /** Data ports that hand out 40000, 40001, ... and remember what they were asked for. */
    private static final class Ports implements org.ftb.ftp.DataPorts {
        final List<Integer> serverPorts = new ArrayList<>();
        final List<Optional<String>> hints = new ArrayList<>();

        @Override
        public int announce(int serverPort, Optional<String> hint) {
            serverPorts.add(serverPort);
            hints.add(hint);
            return 40000 + serverPorts.size() - 1;
        }

        @Override
        public byte[] address() {
            return new byte[]{127, 0, 0, 1};
        }
    }

    private final Ports ports = new Ports();

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String toClient(List<Effect> effects) {
        return text(effects, true);
    }

    private static String toServer(List<Effect> effects) {
        return text(effects, false);
    }

    private static String text(List<Effect> effects, boolean client) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Effect e : effects) {
            if (client && e instanceof Effect.ToClient c) {
                out.writeBytes(c.bytes());
            } else if (!client && e instanceof Effect.ToServer s) {
                out.writeBytes(s.bytes());
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static List<Msg> logged(List<Effect> effects) {
        return effects.stream().filter(e -> e instanceof Effect.Log).map(e -> ((Effect.Log) e).msg()).toList();
    }

    /** A session logged in through the broker's own login and the server's replayed one. */
    private ControlSession loggedIn() {
        ControlSession s = ControlSession.loginFirst(ports, "ftp.example:21", "GW");
        assertThat(toClient(s.start())).startsWith("220 FTP Tunnel Broker ready");
        assertThat(toClient(s.fromClient(ascii("USER job1\r\n")))).isEqualTo("331 Password required for job1\r\n");
        List<Effect> pass = s.fromClient(ascii("PASS secret\r\n"));
        assertThat(pass).hasSize(2).first().isEqualTo(new Effect.LoginAttempt(true));
        assertThat(((Effect.OpenServer) pass.get(1)).password()).containsExactly("secret".toCharArray());
        assertThat(s.holdsClient()).as("the client is read on during the login, to see it hang up").isFalse();
        s.serverOpened();
        assertThat(toServer(s.fromServer(ascii("220-long\r\n220 greeting\r\n")))).isEqualTo("USER job1\r\n");
        assertThat(toServer(s.fromServer(ascii("331 pw\r\n")))).isEqualTo("PASS secret\r\n");
        List<Effect> in = s.fromServer(ascii("230 in\r\n"));
        assertThat(toClient(in)).isEqualTo("230 in\r\n");
        assertThat(in).anyMatch(e -> e instanceof Effect.LoggedIn);
        assertThat(s.holdsClient()).isFalse();
        return s;
    }

    @Test
    void commandsSentAheadDuringTheLoginWaitAndTheClientIsHeldOnlyWhenTheyAreMany() {
        ControlSession s = ControlSession.loginFirst(ports, "ftp.example:21", "GW");
        s.start();
        s.fromClient(ascii("USER job1\r\n"));
        s.fromClient(ascii("PASS secret\r\n"));
        for (int i = 1; i < ControlSession.HELD_COMMANDS; i++) {
            assertThat(s.fromClient(ascii("NOOP\r\n"))).as("command %d sent ahead", i).isEmpty();
            assertThat(s.holdsClient()).isFalse();
        }
        assertThat(s.fromClient(ascii("SYST\r\n"))).isEmpty();
        assertThat(s.holdsClient()).as("%d commands wait", ControlSession.HELD_COMMANDS).isTrue();
        s.serverOpened();
        s.fromServer(ascii("220 greeting\r\n"));
        s.fromServer(ascii("331 pw\r\n"));
        assertThat(toServer(s.fromServer(ascii("230 in\r\n")))).as("the commands sent ahead, in order, once logged in")
                .isEqualTo("NOOP\r\n".repeat(ControlSession.HELD_COMMANDS - 1) + "SYST\r\n");
        assertThat(s.holdsClient()).isFalse();
    }

    @Test
    void aClientThatHangsUpDuringTheLoginEndsTheSession() {
        ControlSession s = ControlSession.loginFirst(ports, "ftp.example:21", "GW");
        s.start();
        s.fromClient(ascii("USER job1\r\n"));
        s.fromClient(ascii("PASS secret\r\n"));
        assertThat(s.clientEnded()).anyMatch(e -> e instanceof Effect.Close);
    }

    @Test
    void theLoginIsReplayedAndItsLastReplyPassedOn() {
        ControlSession s = loggedIn();
        assertThat(s.result()).isEqualTo("OK");
        assertThat(toServer(s.fromClient(ascii("NOOP\r\n")))).isEqualTo("NOOP\r\n");
    }

    @Test
    void aRefusedLoginIsTrueInTheResultUntilOneSucceeds() {
        ControlSession s = ControlSession.loginFirst(ports, "ftp.example:21", "GW");
        s.start();
        s.fromClient(ascii("USER job1\r\nPASS wrong\r\n"));
        List<Effect> refused = s.serverFailed(true, "SSH login refused");
        assertThat(toClient(refused)).startsWith("530 ");
        assertThat(logged(refused)).containsExactly(Msg.FTB0233W);
        assertThat(s.result()).isEqualTo("LOGIN_REFUSED");
        s.fromClient(ascii("USER job1\r\n"));
        s.fromClient(ascii("PASS right\r\n"));
        s.serverOpened();
        s.fromServer(ascii("220 hi\r\n331 pw\r\n230 ok\r\n"));
        assertThat(s.result()).isEqualTo("OK");
    }

    @Test
    void theServersRefusalOfTheReplayedLoginDropsTheWayAndGoesBackToUser() {
        ControlSession s = ControlSession.loginFirst(ports, "ftp.example:21", "GW");
        s.start();
        s.fromClient(ascii("USER job1\r\nPASS pw\r\n"));
        s.serverOpened();
        s.fromServer(ascii("220 hi\r\n331 pw\r\n"));
        List<Effect> no = s.fromServer(ascii("530 Login incorrect\r\n"));
        assertThat(toClient(no)).isEqualTo("530 Login incorrect\r\n");
        assertThat(no).anyMatch(e -> e instanceof Effect.DropServer);
        assertThat(s.result()).isEqualTo("LOGIN_REFUSED");
        assertThat(toClient(s.fromClient(ascii("USER again\r\n")))).startsWith("331");
    }

    @Test
    void commandsPipelinedBehindPassWaitForTheLogin() {
        ControlSession s = ControlSession.loginFirst(ports, "ftp.example:21", "GW");
        s.start();
        s.fromClient(ascii("USER job1\r\nPASS pw\r\nSYST\r\n"));
        s.serverOpened();
        s.fromServer(ascii("220 hi\r\n331 pw\r\n"));
        assertThat(toServer(s.fromServer(ascii("230 in\r\n")))).isEqualTo("SYST\r\n");
    }

    @Test
    void replyLinesPassAsTheyArriveWhateverTheirNumberOrLength() {
        ControlSession s = loggedIn();
        s.fromClient(ascii("STAT\r\n"));
        StringBuilder seen = new StringBuilder(toClient(s.fromServer(ascii("211-status of /\r\n"))));
        for (int i = 0; i < 1500; i++) {
            seen.append(toClient(s.fromServer(ascii(" file-" + i + "\r\n"))));
        }
        assertThat(seen).hasToString("211-status of /\r\n" + java.util.stream.IntStream.range(0, 1500)
                .mapToObj(i -> " file-" + i + "\r\n").reduce("", String::concat));
        assertThat(toClient(s.fromServer(ascii("211 End\r\n")))).isEqualTo("211 End\r\n");
        String path = "257 \"/" + "d".repeat(10_000) + "\" is current\r\n";
        s.fromClient(ascii("PWD\r\n"));
        assertThat(toClient(s.fromServer(ascii(path)))).isEqualTo(path);
        assertThat(toClient(s.fromServer(ascii("226 partial li")))).isEqualTo("226 partial li");
    }

    @Test
    void aMultiLineReplyEndsAtAnyCodedLineAsRealClientsReadIt() {
        ControlSession s = loggedIn();
        s.fromClient(ascii("STOR x\r\n"));
        assertThat(toClient(s.fromServer(ascii("553-not quite\r\n553-but go on\r\n150 Opening\r\n"))))
                .isEqualTo("553-not quite\r\n553-but go on\r\n150 Opening\r\n");
        assertThat(s.transfers()).isZero(); // the 150 closed a 553 reply
        s.fromClient(ascii("PASV\r\n"));
        assertThat(toClient(s.fromServer(ascii("227 Entering Passive Mode (10,0,0,9,4,1)\r\n"))))
                .as("the reply after it is read as a reply").isEqualTo("227 Entering Passive Mode (127,0,0,1,156,64)\r\n");
    }

    @Test
    void passiveRepliesAreRewrittenWhereverTheNumbersAreAndWhateverTheChunking() {
        String server = "227-Entering Passive Mode (10,9,9,9,4,1)\r\n227 OK\r\n229-Extended (|||5000|)\r\n229 OK\r\n226 done\r\n";
        Random random = new Random(6);
        for (int round = 0; round < 100; round++) {
            Ports p = new Ports();
            ControlSession s = ControlSession.overOpenServer(p, "ftp.example:21");
            byte[] all = ("220 hi\r\n" + server).getBytes(StandardCharsets.ISO_8859_1);
            StringBuilder seen = new StringBuilder();
            s.fromClient(ascii("PASV\r\nEPSV\r\nNOOP\r\n"));
            for (int at = 0; at < all.length; ) {
                int n = Math.min(all.length - at, 1 + random.nextInt(9));
                seen.append(toClient(s.fromServer(ByteBuffer.wrap(all, at, n))));
                at += n;
            }
            assertThat(seen).hasToString("220 hi\r\n227 Entering Passive Mode (127,0,0,1,156,64)\r\n"
                    + "229 Entering Extended Passive Mode (|||40001|)\r\n226 done\r\n");
            assertThat(p.serverPorts).containsExactly(1025, 5000);
            assertThat(p.hints).containsExactly(Optional.of("10.9.9.9"), Optional.empty());
        }
    }

    @Test
    void aPassiveReplyThatCannotBeReadNeverReachesTheClient() {
        ControlSession s = loggedIn();
        s.fromClient(ascii("PASV\r\n"));
        List<Effect> none = s.fromServer(ascii("227 Passive mode is on\r\n"));
        assertThat(toClient(none)).startsWith("425 ").doesNotContain("Passive mode is on\r\n");
        assertThat(logged(none)).containsExactly(Msg.FTB0239W);
        s.fromClient(ascii("PASV\r\n"));
        List<Effect> tooLong = s.fromServer(ascii("227 (" + "1".repeat(9000) + ")\r\n"));
        assertThat(toClient(tooLong)).startsWith("425 ");
        assertThat(logged(tooLong)).containsExactly(Msg.FTB0239W);
        assertThat(ports.serverPorts).isEmpty();
    }

    @Test
    void aDataPortThatCannotOpenGives425() {
        ControlSession s = ControlSession.overOpenServer(new org.ftb.ftp.DataPorts() {
            @Override
            public int announce(int serverPort, Optional<String> hint) throws IOException {
                throw new IOException("every DATA port in 50000-50001 is in use");
            }

            @Override
            public byte[] address() {
                return new byte[]{127, 0, 0, 1};
            }
        }, "ftp.example:21");
        s.fromServer(ascii("220 hi\r\n"));
        s.fromClient(ascii("EPSV\r\n"));
        assertThat(toClient(s.fromServer(ascii("229 (|||5000|)\r\n")))).startsWith("425 Cannot open a data port on the broker: every DATA port");
    }

    @Test
    void activeModeAndTlsAreRefusedInOrderBehindRepliesStillDue() {
        ControlSession s = loggedIn();
        List<Effect> sent = s.fromClient(ascii("NOOP\r\nPORT 127,0,0,1,4,1\r\nAUTH TLS\r\nSYST\r\n"));
        assertThat(toServer(sent)).isEqualTo("NOOP\r\n");
        assertThat(toClient(sent)).as("the 502 must not overtake the NOOP's 200").isEmpty();
        List<Effect> after = s.fromServer(ascii("200 ok\r\n"));
        assertThat(toClient(after)).startsWith("200 ok\r\n502 Active mode (PORT)").contains("\r\n534 AUTH TLS/SSL is refused");
        assertThat(toServer(after)).isEqualTo("SYST\r\n");
    }

    @Test
    void anOverLongCommandGets500AndTheSessionGoesOn() {
        ControlSession s = loggedIn();
        List<Effect> effects = s.fromClient(ascii("STOR " + "x".repeat(5000) + "\r\nNOOP\r\n"));
        assertThat(toClient(effects)).startsWith("500 Command line longer than 4096 bytes");
        assertThat(logged(effects)).containsExactly(Msg.FTB0240W);
        assertThat(toServer(effects)).isEqualTo("NOOP\r\n");
    }

    @Test
    void issue7ACommandLineWithCrOrNulBeforeItsEndGets500AndIsNotSent() {
        ControlSession s = loggedIn();
        List<Effect> effects = s.fromClient(ascii("CWD a\rDELE important\r\nSTOR b\0.txt\r\nNOOP\r\n"));
        assertThat(toClient(effects)).isEqualTo("500 Command line holds a CR or NUL before its end; not sent to the server\r\n".repeat(2));
        assertThat(logged(effects)).containsExactly(Msg.FTB0250W, Msg.FTB0250W);
        assertThat(toServer(effects)).isEqualTo("NOOP\r\n");
    }

    @Test
    void issue7TheBrokersOwnRepliesEchoNoControlCharacter() {
        ControlSession s = ControlSession.loginFirst(ports, "ftp.example:21", "GW");
        s.start();
        List<Effect> nul = s.fromClient(ascii("USER job1\0\r\n"));
        assertThat(toClient(nul)).startsWith("500 ");
        assertThat(nul).noneMatch(e -> e instanceof Effect.OpenServer);
        assertThat(toClient(s.fromClient(ascii("USER job\u001b[2J\u0085\u000bx\r\n"))))
                .isEqualTo("331 Password required for jobX'1B'[2JX'85'X'0B'x\r\n");
        s.fromClient(ascii("PASS secret\r\n"));
        assertThat(toClient(s.serverFailed(true, "refused"))).isEqualTo("530 Login incorrect: SSH host GW refused user jobX'1B'[2JX'85'X'0B'x\r\n");
    }

    @Test
    void abortWithTelnetSynchGoesToTheServerAtOnceDuringATransfer() {
        ControlSession s = loggedIn();
        s.fromClient(ascii("RETR big\r\n"));
        s.fromServer(ascii("150 Opening\r\n"));
        assertThat(toServer(s.fromClient(ascii("\u00ff\u00f4\u00ff\u00f2ABOR\r\n")))).isEqualTo("ABOR\r\n");
        assertThat(s.transfers()).isEqualTo(1);
    }

    @Test
    void aBrokenStoreSendsAborWhoseReplyTheClientNeverSees() {
        ControlSession s = loggedIn();
        assertThat(s.storeBroken(0)).as("no store in progress: nothing to abort").isEmpty();
        assertThat(toServer(s.fromClient(ascii("STOR f\r\n")))).isEqualTo("STOR f\r\n");
        assertThat(s.dataTransfer().storePort()).isZero();
        assertThat(toClient(s.fromServer(ascii("150 go\r\n")))).isEqualTo("150 go\r\n");
        assertThat(toServer(s.storeBroken(0))).isEqualTo("ABOR\r\n");
        assertThat(s.storeBroken(0)).as("one ABOR for one store").isEmpty();
        assertThat(toServer(s.fromClient(ascii("NOOP\r\n")))).isEqualTo("NOOP\r\n");
        assertThat(toClient(s.fromServer(ascii("426 aborted\r\n")))).isEqualTo("426 aborted\r\n");
        assertThat(s.canAbortStore(0)).isFalse();
        assertThat(toClient(s.fromServer(ascii("226 ABOR done\r\n")))).isEmpty();
        assertThat(toClient(s.fromServer(ascii("200 noop\r\n")))).isEqualTo("200 noop\r\n");
        assertThat(toClient(s.fromClient(ascii("PORT 1,2,3,4,5,6\r\n")))).as("nothing is due: a local answer comes at once").startsWith("502");
    }

    @Test
    void aServerThatAnswersAStoreAndItsAborWithOneReplyStaysInStep() {
        ControlSession s = loggedIn();
        s.fromClient(ascii("APPE f\r\n"));
        s.fromServer(ascii("150 go\r\n"));
        s.storeBroken(0);
        assertThat(toServer(s.fromClient(ascii("NOOP\r\n")))).isEqualTo("NOOP\r\n");
        assertThat(toClient(s.fromServer(ascii("426 aborted\r\n")))).isEqualTo("426 aborted\r\n");
        assertThat(toClient(s.fromServer(ascii("200 noop\r\n")))).as("not an answer to ABOR: passed on").isEqualTo("200 noop\r\n");
        assertThat(toClient(s.fromClient(ascii("PORT 1,2,3,4,5,6\r\n")))).as("every reply counted").startsWith("502");
    }

    @Test
    void aServerThatEndsWithOnlyTheBrokersAborUnansweredGivesNoSecond421() {
        ControlSession s = loggedIn();
        s.fromClient(ascii("STOR f\r\n"));
        s.fromServer(ascii("150 go\r\n"));
        assertThat(s.canAbortStore(0)).isTrue();
        s.storeBroken(0);
        assertThat(s.canAbortStore(0)).isFalse();
        assertThat(toClient(s.fromServer(ascii("421 Data timeout.\r\n")))).isEqualTo("421 Data timeout.\r\n");
        List<Effect> end = s.serverEnded();
        assertThat(toClient(end)).isEmpty();
        assertThat(logged(end)).isEmpty();
        assertThat(s.result()).isEqualTo("OK");
    }

    @Test
    void aReplyAStoreCannotHaveAnswersTheCommandAfterIt() {
        ControlSession s = loggedIn();
        s.fromClient(ascii("STOR f\r\n"));
        s.fromServer(ascii("150 go\r\n"));
        s.fromClient(ascii("NOOP\r\nSTAT\r\n"));
        assertThat(toClient(s.fromServer(ascii("200 noop during the transfer\r\n211-status\r\n211 end\r\n"))))
                .isEqualTo("200 noop during the transfer\r\n211-status\r\n211 end\r\n");
        assertThat(s.dataTransfer().storePort()).isZero();
        assertThat(toServer(s.storeBroken(0))).isEqualTo("ABOR\r\n");
        assertThat(toClient(s.fromServer(ascii("426 aborted\r\n226 ABOR done\r\n")))).isEqualTo("426 aborted\r\n");
        assertThat(s.canAbortStore(0)).isFalse();
        assertThat(toClient(s.fromClient(ascii("PORT 1,2,3,4,5,6\r\n")))).as("nothing is due").startsWith("502");
    }

    @Test
    void noAborGoesBehindACommandTheClientSentAfterTheStore() {
        ControlSession s = loggedIn();
        s.fromClient(ascii("STOR f\r\n"));
        s.fromServer(ascii("150 go\r\n"));
        s.fromClient(ascii("PASV\r\n"));
        assertThat(s.dataTransfer().storePort()).isZero();
        assertThat(s.canAbortStore(0)).as("an ABOR behind the PASV would abort the next transfer").isFalse();
        assertThat(s.abortWaits(0)).isTrue();
        assertThat(s.storeBroken(0)).isEmpty();
        s.fromServer(ascii("450 PASV: data transfer in progress\r\n"));
        assertThat(s.abortWaits(0)).isFalse();
        assertThat(toServer(s.storeBroken(0))).as("the PASV changed nothing: the store is still the one to abort").isEqualTo("ABOR\r\n");
        s.fromClient(ascii("PASV\r\n"));
        s.fromServer(ascii("227 Entering Passive Mode (127,0,0,1,4,1)\r\n"));
        assertThat(s.canAbortStore(0) || s.abortWaits(0)).as("the client went on to data port 1").isFalse();
    }

    @Test
    void aServerThatNeverAnswersADroppedStoreEndsCleanlyAfterQuit() {
        ControlSession s = loggedIn();
        s.fromClient(ascii("STOR f\r\n"));
        s.fromServer(ascii("150 go\r\n"));
        s.fromClient(ascii("PASV\r\n"));
        s.fromServer(ascii("227 Entering Passive Mode (127,0,0,1,4,1)\r\n"));
        s.fromClient(ascii("QUIT\r\n"));
        assertThat(toClient(s.fromServer(ascii("221 Goodbye\r\n")))).isEqualTo("221 Goodbye\r\n");
        List<Effect> end = s.serverEnded();
        assertThat(logged(end)).as("221 answers everything: the server closes as it said").isEmpty();
        assertThat(s.result()).isEqualTo("OK");
    }

    @Test
    void noAborGoesOutOnceTheClientsEndWentToTheServer() {
        ControlSession s = loggedIn();
        s.fromClient(ascii("STOR f\r\n"));
        assertThat(s.clientEnded()).anyMatch(e -> e instanceof Effect.EndServerOutput);
        assertThat(s.canAbortStore(0)).isFalse();
        assertThat(s.storeBroken(0)).isEmpty();
    }

    @Test
    void theServerEndingDuringTheLoginGives421AndCloses() {
        ControlSession s = ControlSession.loginFirst(ports, "ftp.example:21", "GW");
        s.start();
        s.fromClient(ascii("USER a\r\nPASS b\r\n"));
        s.serverOpened();
        List<Effect> ended = s.serverEnded();
        assertThat(toClient(ended)).startsWith("421 ");
        assertThat(ended).anyMatch(e -> e instanceof Effect.Close);
    }

    @Test
    void theClientsEndGoesToTheServerAfterCommandsStillWaiting() {
        ControlSession s = loggedIn();
        s.fromClient(ascii("NOOP\r\nPORT 1,2,3,4,5,6\r\nQUIT\r\n"));
        assertThat(s.clientEnded()).noneMatch(e -> e instanceof Effect.EndServerOutput);
        List<Effect> after = s.fromServer(ascii("200 ok\r\n"));
        assertThat(toServer(after)).isEqualTo("QUIT\r\n");
        assertThat(after.get(after.size() - 1)).isInstanceOf(Effect.EndServerOutput.class);
    }

    // ---- transfers, for their audit records ----

    private static List<Effect> transfers(List<Effect> effects) {
        return effects.stream().filter(e -> e instanceof Effect.TransferStarted || e instanceof Effect.TransferEnded).toList();
    }

    @Test
    void aTransferStartsWithItsCommandOnTheLatestDataPortAndEndsWithItsFinalReply() {
        ControlSession s = loggedIn();
        assertThat(transfers(s.fromClient(ascii("RETR  a b\u00e9\r\n"))))
                .as("the argument as sent, both blanks and the byte E9 kept; no port announced yet")
                .containsExactly(new Effect.TransferStarted("RETR", " a b\u00e9", false, 0));
        assertThat(transfers(s.fromServer(ascii("150 here\r\n")))).as("a preliminary reply ends nothing").isEmpty();
        assertThat(transfers(s.fromServer(ascii("226 done\r\n")))).containsExactly(new Effect.TransferEnded(226, false));
        s.fromClient(ascii("PASV\r\n"));
        s.fromServer(ascii("227 Entering Passive Mode (127,0,0,1,4,1)\r\n"));
        assertThat(transfers(s.fromClient(ascii("STOR up\r\n")))).containsExactly(new Effect.TransferStarted("STOR", "up", true, 1));
        assertThat(transfers(s.fromServer(ascii("553 no\r\n")))).containsExactly(new Effect.TransferEnded(553, false));
        assertThat(transfers(s.fromClient(ascii("NOOP\r\nCWD x\r\nSIZE y\r\n")))).as("not transfers").isEmpty();
    }

    @Test
    void everyDataCommandIsATransfer() {
        ControlSession s = loggedIn();
        assertThat(transfers(s.fromClient(ascii("LIST\r\nNLST -a\r\nMLSD\r\nSTOU\r\nAPPE f\r\nretr g\r\n"))))
                .containsExactly(new Effect.TransferStarted("LIST", "", false, 0), new Effect.TransferStarted("NLST", "-a", false, 0),
                        new Effect.TransferStarted("MLSD", "", false, 0), new Effect.TransferStarted("STOU", "", true, 0),
                        new Effect.TransferStarted("APPE", "f", true, 0), new Effect.TransferStarted("RETR", "g", false, 0));
    }

    @Test
    void aReplyATransferCannotHaveAnswersTheCommandSentDuringIt() {
        ControlSession s = loggedIn();
        s.fromClient(ascii("RETR big\r\n"));
        s.fromServer(ascii("150 here\r\n"));
        s.fromClient(ascii("NOOP\r\n"));
        assertThat(transfers(s.fromServer(ascii("200 noop during the transfer\r\n")))).isEmpty();
        assertThat(transfers(s.fromServer(ascii("226 done\r\n")))).containsExactly(new Effect.TransferEnded(226, false));
    }

    @Test
    void aTransferTheClientSentAborForEndsAborted() {
        ControlSession s = loggedIn();
        s.fromClient(ascii("RETR big\r\n"));
        s.fromServer(ascii("150 here\r\n"));
        s.fromClient(ascii("\u00ff\u00f4\u00ff\u00f2ABOR\r\n"));
        assertThat(transfers(s.fromServer(ascii("426 aborted\r\n")))).containsExactly(new Effect.TransferEnded(426, true));
        assertThat(transfers(s.fromServer(ascii("226 ABOR done\r\n")))).as("the ABOR's own reply").isEmpty();
        s.fromClient(ascii("RETR next\r\n"));
        assertThat(transfers(s.fromServer(ascii("226 done\r\n")))).as("a transfer after the ABOR is not aborted")
                .containsExactly(new Effect.TransferEnded(226, false));
    }

    @Test
    void aStoreTheBrokerAbortsEndsWithTheServersFailureAndNotAborted() {
        ControlSession s = loggedIn();
        s.fromClient(ascii("STOR f\r\n"));
        s.fromServer(ascii("150 go\r\n"));
        s.storeBroken(0);
        assertThat(transfers(s.fromServer(ascii("426 aborted\r\n226 ABOR done\r\n")))).containsExactly(new Effect.TransferEnded(426, false));
    }

    @Test
    void transfersStillDueWhenTheServerSays221AreNeverAnswered() {
        ControlSession s = loggedIn();
        s.fromClient(ascii("RETR f\r\nQUIT\r\n"));
        assertThat(transfers(s.fromServer(ascii("150 here\r\n221 bye\r\n")))).isEmpty();
    }
}
