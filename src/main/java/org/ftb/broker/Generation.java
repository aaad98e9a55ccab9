package org.ftb.broker;

import org.ftb.address.IpAddress;
import org.ftb.auth.UserDirectory;
import org.ftb.config.BrokerSettings;
import org.ftb.config.SocksAuth;
import org.ftb.config.SocksSettings;
import org.ftb.config.SshHostSettings;
import org.ftb.rules.RuleSet;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.ftb.ssh.Credentials;
import org.ftb.ssh.SshTunnels;
import org.ftb.ssh.TunnelStream;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The configuration a connection lives by from its accept to its end. RELOAD puts a new generation in
 * place for the connections accepted after it; those accepted before finish under their own.
 *
 * @param number 1 for the configuration the broker started with, one more for each RELOAD
 */
public record Generation(int number, BrokerSettings broker, SocksSettings socks, RuleSet rules, Map<String, SshHostSettings> sshHosts) {
    public Generation {
        sshHosts = Map.copyOf(sshHosts);
    }

    public static Generation of(int number, BrokerSettings broker, SocksSettings socks, RuleSet rules, List<SshHostSettings> sshHosts) {
        return new Generation(number, broker, socks, rules,
                sshHosts.stream().collect(Collectors.toMap(SshHostSettings::name, Function.identity())));
    }

    boolean passwordRequired() {
        return socks.auth() == SocksAuth.USERPASS;
    }

    UserDirectory users() {
        return socks.users().orElseThrow(() -> new IllegalStateException("AUTH(USERPASS) without a loaded USERS file"));
    }

    /**
     * True when the SSH host is the destination itself (HOST(*), the same host, or the SSH server's own
     * loopback: 127.0.0.0/8, ::1, localhost, which it opens on itself), so no leg runs in clear text.
     */
    boolean sshHostIsDestination(String sshHost, String destination) {
        return onLoopback(destination) || sshHosts.get(sshHost).host().map(h -> h.equals(destination)).orElse(true);
    }

    /** A destination on the loopback of whichever host opens it: for a tunnel, the SSH server (Fault92). */
    private static boolean onLoopback(String destination) {
        if (destination.equalsIgnoreCase("localhost")) {
            return true;
        }
        return IpAddress.parse(destination).map(address -> {
            try {
                return InetAddress.getByAddress(IpAddress.unmapped(address)).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }).orElse(false);
    }

    /**
     * A tunnel through SSH host {@code sshHost} as this configuration has it, with its CONNECTTIMEOUT:
     * a session keeps both for its life, whatever a RELOAD makes of them meanwhile.
     */
    CompletableFuture<TunnelStream> openTunnel(SshTunnels tunnels, String sshHost, Credentials credentials, String destination, int port,
                                               String originHost, int originPort) {
        return tunnels.open(sshHosts.get(sshHost), broker.connectTimeout(), credentials, destination, port, originHost, originPort);
    }

    /** The SSH user of an SSH host's AUTH(KEY) tunnels; the configuration guarantees one. */
    String sshUser(String sshHost) {
        return sshHosts.get(sshHost).user().orElseThrow();
    }
}
