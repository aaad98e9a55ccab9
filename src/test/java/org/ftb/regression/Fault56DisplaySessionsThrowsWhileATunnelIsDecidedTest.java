package org.ftb.regression;

import org.ftb.console.CommandDispatcher;
import org.ftb.testing.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Attack (the operator looks while clients come and go): clients keep opening ACTION(TUNNEL) connections
 * while the operator repeats {@code DISPLAY SESSIONS}.
 *
 * <p>Observed: now and then DISPLAY SESSIONS throws a NullPointerException out of
 * CommandDispatcher.dispatch instead of answering. Connection.decide records the rules' decision
 * (ConnectionView.decided) and only then, in tunnelRule, the SSH host (ConnectionView.via, "-" until
 * then); a DISPLAY in between builds the TUNNEL details with {@code generation.sshUser("-")}, and the
 * generation has no SSH host "-". The dispatcher catches only CommandException, so the exception ends
 * the console's thread: StreamConsole catches only IOException, and standard input takes no command any
 * more for the rest of the broker's life.
 *
 * Plain DISPLAY (D) builds the same views for its status and fails the same way.
 *
 * <p>Correct behaviour: DISPLAY answers every time, whatever the sessions are doing meanwhile.
 */
@Timeout(120)
class Fault56DisplaySessionsThrowsWhileATunnelIsDecidedTest {
    /** Tunnels opened while DISPLAY repeats; the window is hit within some hundreds, here. */
    private static final int TUNNELS = 6_000;

    @TempDir
    Path dir;

    @Test
    void displaySessionsAnswersWhileTunnelsOpen() throws Exception {
        try (TunnelRig rig = TunnelRig.start(dir); TestBroker broker = TestBroker.start(rig.sshHost("GW") + rig.rule("GW"))) {
            CommandDispatcher console = CommandDispatcher.standard(broker.broker(), broker.broker().messages());
            TunnelRig.Clients clients = rig.clients(broker.port(), 8);
            RuntimeException thrown = null;
            int shown = 0;
            try {
                await().until(() -> clients.succeeded.get() > 20);
                while (clients.succeeded.get() < TUNNELS && thrown == null) {
                    try {
                        assertThat(console.dispatch("D SESSIONS", "console").get(0)).startsWith("FTB0340I");
                        shown++;
                    } catch (RuntimeException e) {
                        thrown = e;
                    }
                }
            } finally {
                clients.stop();
            }
            assertThat(thrown).as("DISPLAY SESSIONS number %d, with %d tunnels opened meanwhile", shown + 1, clients.succeeded.get())
                    .isNull();
        }
    }
}
