package org.ftb.broker;

import org.ftb.message.Msg;
import org.ftb.net.Connector;
import org.ftb.net.Reactor;
import org.ftb.relay.Endpoint;
import org.ftb.ssh.Credentials;
import org.ftb.ssh.TunnelFailure;
import org.ftb.ssh.TunnelStream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * How an FTP session reaches its server: a tunnel through the SSH host (opened with the FTP login, or
 * already open with the SSH host's key), or, when a rule allows FALLBACK(PLAIN) and the SSH host
 * cannot be reached, a plaintext connection, said loudly (FTB0237W). Data connections take the same
 * way as their control connection.
 *
 * @param endpoint    the control connection's way to the server
 * @param data        opens the way to one of the server's data ports
 * @param plaintext   true after a fallback: nothing of the session is encrypted
 * @param description for logs: the SSH host, user and cipher, or PLAINTEXT
 */
record ServerWay(Endpoint endpoint, IntFunction<CompletableFuture<Endpoint>> data, boolean plaintext, String description) {

    /**
     * Why no way could be opened: the client is told (so the message says no more than the client may
     * know), and the session's audit result is {@code result}.
     */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean loginRefusal;
        final transient String result;

        Refused(boolean loginRefusal, String result, String reason) {
            super(reason, null, false, false);
            this.loginRefusal = loginRefusal;
            this.result = result;
        }
    }

    /** A further connection to the same server, the same way (to a server that has not spoken yet). */
    ServerWay alongside(Endpoint another) {
        return new ServerWay(another, data, plaintext, description);
    }

    /** AUTH(KEY): the tunnel is open already. */
    static ServerWay over(TunnelStream tunnel, FtpSession.Target target) {
        return new ServerWay(tunnel, port -> tunnel.openAlongside(target.host(), port, target.clientIp(), target.clientPort())
                .thenApply(t -> t), false, tunnel.describe());
    }

    /**
     * AUTH(FTPLOGIN): logs in to the SSH host as the FTP user; the password is wiped once the login is
     * over. Fails with {@link Refused}.
     */
    static CompletableFuture<ServerWay> login(SocksServer server, Generation generation, FtpSession.Target target, String tag,
                                              Reactor reactor, String user, char[] password) {
        Credentials credentials = new Credentials.Password(user, password);
        CompletableFuture<ServerWay> way = new CompletableFuture<>();
        server.onWorker(() -> generation.openTunnel(server.tunnels(), target.sshHost(), credentials, target.host(), target.port(),
                target.clientIp(), target.clientPort())).whenComplete((tunnel, error) -> {
                    Arrays.fill(password, '\0');
                    if (error == null) {
                        way.complete(over(tunnel, target));
                        return;
                    }
                    TunnelFailure f = Failures.tunnelFailure(error);
                    if (f.kind() == TunnelFailure.Kind.SSH_UNREACHABLE && target.plainFallback()) {
                        fallBack(server, generation, target, tag, reactor, f, way);
                    } else if (f.kind() == TunnelFailure.Kind.LOGIN_REFUSED) {
                        way.completeExceptionally(new Refused(true, "LOGIN_REFUSED", f.getMessage()));
                    } else {
                        server.messages().log(Msg.FTB0234E, tag, target.host() + ":" + target.port(), f.getMessage());
                        way.completeExceptionally(new Refused(false, Failures.tunnel(f).result(),
                                "SSH tunnel to " + target.host() + ":" + target.port() + " failed (" + Failures.forClient(f) + ")"));
                    }
                });
        return way;
    }

    /** FALLBACK(PLAIN): straight to the FTP server, unencrypted, and the operator told so for every session. */
    private static void fallBack(SocksServer server, Generation generation, FtpSession.Target target, String tag, Reactor reactor,
                                 TunnelFailure cause, CompletableFuture<ServerWay> way) {
        String where = target.host() + ":" + target.port();
        server.messages().log(Msg.FTB0237W, tag, cause.getMessage(), where);
        server.counters().fallbacks.incrementAndGet();
        IntFunction<CompletableFuture<Endpoint>> plain = port -> plainConnect(server, generation, target, reactor, port);
        plain.apply(target.port()).whenComplete((socket, error) -> {
            if (error == null) {
                way.complete(new ServerWay(socket, plain, true, "PLAINTEXT to " + where + " (no SSH)"));
            } else {
                server.messages().log(Msg.FTB0234E, tag, where,
                        cause.getMessage() + "; plaintext fallback failed too: " + Failures.unwrap(error).getMessage());
                way.completeExceptionally(new Refused(false, "CONNECT_FAILED", "SSH host unreachable and plaintext fallback failed"));
            }
        });
    }

    private static CompletableFuture<Endpoint> plainConnect(SocksServer server, Generation generation, FtpSession.Target target,
                                                            Reactor reactor, int port) {
        return server.onWorker(() -> {
            try {
                InetSocketAddress address = new InetSocketAddress(server.resolver().resolve(target.host()), port);
                return Connector.connect(address, reactor, server.timer(), generation.broker().connectTimeout());
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
        }).thenApply(e -> e);
    }
}
