package org.ftb.regression;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack (the urgent change an operator makes by RELOAD): the broker was started with
 * {@code SOCKS LISTEN(0.0.0.0:port)}, open to every interface (FTB0130W said so). The operator edits the
 * member to {@code LISTEN(127.0.0.1:port)}, the same port on loopback only, and RELOADs.
 *
 * <p>Observed: FTB0312E "RELOAD from console: cannot listen on 127.0.0.1:port: Address already in use";
 * nothing changes, and the broker goes on listening on every interface. SocksServer.reconfigure binds
 * every new address before it closes any old one (so that a failure changes nothing), and Linux lets no
 * socket bind an address of a port that a wildcard listener of the same port holds, even with
 * SO_REUSEADDR (nor the wildcard while a specific address of the port is listening). Moving a listener
 * between the wildcard and one address of its port, in either direction, cannot be done by RELOAD at
 * all; the operator is told the port is in use, by the broker itself.
 *
 * <p>Correct behaviour: "listeners added/removed/kept as the new configuration says": the RELOAD is put
 * in place (FTB0304I, FTB0306I for 127.0.0.1:port, FTB0307I for 0.0.0.0:port), for instance by closing
 * the old listener of the port first and binding it again should the new one fail.
 */
@Timeout(60)
class Fault52ReloadCannotMoveAListenerToAnotherAddressOfItsPortTest {
    @TempDir
    Path dir;

    @Test
    void reloadNarrowsTheWildcardListenerToLoopbackOnTheSamePort() throws Exception {
        try (ReloadRig rig = ReloadRig.start(dir)) {
            String rules = rig.sshHost("GW", "") + rig.ftpRule("ACTION(FTPTUNNEL) VIA(GW)");
            Files.writeString(rig.config, "SOCKS LISTEN(0.0.0.0:" + rig.socksPort + ")\n" + rules);
            rig.startBroker();
            assertThat(rig.broker().listenAddresses()).extracting(InetSocketAddress::getPort).containsExactly(rig.socksPort);

            rig.write(rules);
            assertThat(rig.command("RELOAD")).startsWith("FTB0304I")
                    .contains("FTB0306I", "127.0.0.1:" + rig.socksPort, "FTB0307I", "0.0.0.0:" + rig.socksPort);
            assertThat(rig.broker().listenAddresses()).extracting(a -> a.getAddress().getHostAddress()).containsExactly("127.0.0.1");
        }
    }
}
