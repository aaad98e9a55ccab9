package org.ftb.gateway;

import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.forward.DirectTcpipFactory;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.apache.sshd.server.forward.TcpipServerChannel;
import org.ftb.address.IpAddress;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * direct-tcpip channels, checked before MINA opens them. The destination's name is looked up on threads
 * of its own, a few and with a bounded queue, for at most {@link #LOOKUP_TIMEOUT}: MINA would check and
 * connect on one of its few I/O threads, and a slow resolver there stalls every session. A port beyond
 * 65535 is refused at once: the port is an SSH uint32, and the exception that a port such as 0xFFFFFFFF
 * raised inside MINA dropped the caller's whole session. Refusals are "administratively prohibited", as
 * OpenSSH's, and the session carries on.
 */
final class DirectTcpipChannels extends DirectTcpipFactory implements AutoCloseable {
    static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(5);
    private static final long MAX_PORT = 65_535;
    private static final int LOOKUP_THREADS = 4;
    private static final int LOOKUPS_WAITING = 64;
    /** The destination the check approved, while this thread opens its channel: MINA's filter asks again inside. */
    private static final ThreadLocal<SshdSocketAddress> APPROVED = new ThreadLocal<>();

    /** The gateway's decision on a destination, with its address when the name has one; logs a refusal. */
    interface Destinations {
        boolean allow(Session session, String host, int port, Optional<byte[]> address);
    }

    private final MessageLog messages;
    private final Destinations destinations;
    private final ThreadPoolExecutor lookups;

    DirectTcpipChannels(MessageLog messages, Destinations destinations) {
        this.messages = messages;
        this.destinations = destinations;
        this.lookups = new ThreadPoolExecutor(LOOKUP_THREADS, LOOKUP_THREADS, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(LOOKUPS_WAITING), runnable -> {
            Thread thread = new Thread(runnable, "ftb-gateway-lookup");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** For MINA's forwarding filter: true only inside the open of a channel that the check approved. */
    static boolean approvedHere(SshdSocketAddress target) {
        return target.equals(APPROVED.get());
    }

    @Override
    public Channel createChannel(Session session) {
        return new Checked();
    }

    @Override
    public void close() {
        lookups.shutdownNow();
    }

    /** The address of a name, empty when it has none; a literal needs no lookup, and a name fails after the timeout. */
    private CompletableFuture<Optional<byte[]>> resolve(String host) {
        Optional<byte[]> literal = IpAddress.parse(host);
        if (literal.isPresent()) {
            return CompletableFuture.completedFuture(literal);
        }
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return Optional.of(InetAddress.getByName(host).getAddress());
                } catch (UnknownHostException e) {
                    return Optional.<byte[]>empty();
                }
            }, lookups).orTimeout(LOOKUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private final class Checked extends TcpipServerChannel {
        Checked() {
            super(TcpForwardingFilter.Type.Direct, null);
        }

        @Override
        protected OpenFuture doInit(Buffer buffer) {
            // MINA reuses the packet's buffer once this returns, and the open goes on later.
            Buffer request = new ByteArrayBuffer(buffer.getCompactData());
            String host = request.getString();
            long port = request.getUInt();
            request.rpos(0);
            DefaultOpenFuture result = new DefaultOpenFuture(this, futureLock);
            Session session = getSession();
            if (port > MAX_PORT) {
                messages.log(Msg.FTB0511W, session.getUsername(), Logins.client(session), host, port);
                return refused(result, "port " + port + " is not a TCP port");
            }
            resolve(host).whenComplete((address, failure) -> {
                if (failure != null) {
                    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                    String why = cause instanceof TimeoutException ? "took longer than " + LOOKUP_TIMEOUT.toSeconds() + " s"
                            : "could not start: " + LOOKUPS_WAITING + " lookups are waiting";
                    messages.log(Msg.FTB0513W, session.getUsername(), Logins.client(session), host, port, why);
                    refused(result, "name lookup of " + host + " " + why);
                } else if (destinations.allow(session, host, (int) port, address)) {
                    open(request, result, new SshdSocketAddress(host, (int) port));
                } else {
                    refused(result, "tunnel to " + host + ":" + port + " refused");
                }
            });
            return result;
        }

        private void open(Buffer request, DefaultOpenFuture result, SshdSocketAddress target) {
            OpenFuture opened;
            APPROVED.set(target);
            try {
                opened = super.doInit(request);
            } catch (RuntimeException e) {
                // Off MINA's thread nobody else would answer the client.
                result.setException(e);
                return;
            } finally {
                APPROVED.remove();
            }
            opened.addListener(f -> {
                if (f.isOpened()) {
                    result.setOpened();
                } else {
                    result.setException(f.getException());
                }
            });
        }

        private OpenFuture refused(DefaultOpenFuture result, String reason) {
            result.setException(new SshChannelOpenException(getChannelId(), SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, reason));
            return result;
        }
    }
}
