package org.ftb.regression;

import org.ftb.console.CommandDispatcher;
import org.ftb.testing.SocksClient;
import org.ftb.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Attack (an operator with the broker and the gateway on one console, as the z/OS started tasks FTB and
 * FTBGW are): DISPLAY SESSIONS of {@code ftb gateway} names its SSH connections S1, S2..., the broker
 * names its sessions C1, C2... The operator means to cancel the gateway's S1 and sends
 * {@code F FTB,CANCEL SESSION=S1} to the broker by mistake.
 *
 * <p>Observed: FTB0316I "CANCEL from console: C1 is ended": the broker's Operands.session() takes the
 * letter off whichever it is, C or S, so the broker resets its own session C1, an unrelated client's
 * transfer (and {@code TRACE ON SESSION=S1} traces C1). The gateway likewise ends its S5 for
 * {@code CANCEL SESSION=C5}.
 *
 * <p>Correct behaviour: an id with the other service's letter names no session here: the broker answers
 * with an error (FTB0302E or FTB0317E) and C1 carries on.
 */
@Timeout(60)
class Fault54CancelOfAGatewaySessionIdEndsABrokerSessionTest {
    private TestBroker broker;

    @AfterEach
    void tearDown() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theBrokerDoesNotCancelItsSessionForAGatewayId() throws Exception {
        broker = TestBroker.start("RULE NAME(ALL) ACTION(DENY)\n");
        CommandDispatcher console = CommandDispatcher.standard(broker.broker(), broker.broker().messages());
        try (Socket client = SocksClient.open(broker.port())) {
            await().until(() -> broker.broker().status().sessions().stream().anyMatch(v -> v.id() == 1));

            assertThat(console.dispatch("CANCEL SESSION=S1", "console")).singleElement().asString()
                    .as("S1 is a gateway session; the broker's is C1").doesNotStartWith("FTB0316I");
            assertThat(broker.broker().status().sessions()).as("C1 carries on").anyMatch(v -> v.id() == 1);
        }
    }
}
