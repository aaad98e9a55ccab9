package org.ftb.regression;

import org.ftb.app.Broker;
import org.ftb.console.CommandDispatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Attack (RELOAD under load): clients keep opening ACTION(TUNNEL) connections to an echo server while the
 * operator RELOADs, 20 times, a configuration that adds one SSH host and moves the rule to it
 * (VIA(H1), then VIA(H2)...). No SSH host is ever removed or changed, so every session, old or new,
 * has its SSH host configured.
 *
 * <p>Observed: some connections accepted during a RELOAD fail (SOCKS reply 1, FTB0227E "tunnel to ...
 * failed: no SSHHOST H2"): Broker.reload puts the new generation in place (socks.reconfigure) before
 * SshTunnels.update has added the new SSH hosts, and update starts an SSH client for each new host before
 * it replaces its map (a window of milliseconds, hit by some 20 connections here); a connection accepted
 * in between goes by the new rule to an SSH host the tunnels do not know yet.
 *
 * <p>Correct behaviour: a generation is put in place only once everything it names is ready: no client
 * fails because of a RELOAD that took nothing away.
 */
@Timeout(180)
class Fault55ReloadPutsRulesInPlaceBeforeTheirSshHostsTest {
    private static final int RELOADS = 20;

    @TempDir
    Path dir;

    @Test
    void noConnectionFailsWhileReloadAddsSshHosts() throws Exception {
        try (TunnelRig rig = TunnelRig.start(dir)) {
            int socksPort = ReloadRig.freePort();
            Path config = dir.resolve("ftbprm.txt");
            List<String> hosts = new ArrayList<>(List.of("H0"));
            write(rig, config, socksPort, hosts);
            Broker broker = ReloadRig.startFrom(config);
            try {
                CommandDispatcher console = CommandDispatcher.standard(broker, broker.messages());
                TunnelRig.Clients clients = rig.clients(socksPort, 4);
                try {
                    await().until(() -> clients.succeeded.get() > 20);
                    for (int r = 1; r <= RELOADS; r++) {
                        hosts.add("H" + r);
                        write(rig, config, socksPort, hosts);
                        assertThat(console.dispatch("RELOAD", "console").get(0)).startsWith("FTB0304I");
                        int before = clients.succeeded.get();
                        await().until(() -> clients.succeeded.get() > before + 20);
                    }
                } finally {
                    clients.stop();
                }
                assertThat(clients.failures).as("connections that failed during a RELOAD that removed nothing; the broker said: %s",
                        rig.log.lines().stream().filter(l -> l.contains("SSHHOST")).limit(5).toList()).isEmpty();
            } finally {
                broker.close();
            }
        }
    }

    /** Every SSH host in {@code hosts}, and the rule through the last of them. */
    private static void write(TunnelRig rig, Path config, int socksPort, List<String> hosts) throws Exception {
        StringBuilder text = new StringBuilder("SOCKS LISTEN(127.0.0.1:" + socksPort + ")\n");
        hosts.forEach(h -> text.append(rig.sshHost(h)));
        Files.writeString(config, text.append(rig.rule(hosts.get(hosts.size() - 1))));
    }
}
