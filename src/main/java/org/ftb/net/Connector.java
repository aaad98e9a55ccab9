package org.ftb.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Outbound TCP connections made on a reactor, without blocking, bounded by a timeout. */
public final class Connector {
    private Connector() {
    }

    /**
     * Connects to {@code address} (already resolved); completes on the reactor thread with the
     * connected socket, or fails with the connect's {@link IOException} or a
     * {@link SocketTimeoutException} after {@code timeout}.
     */
    public static CompletableFuture<SocketEndpoint> connect(InetSocketAddress address, Reactor reactor, ScheduledExecutorService timer,
                                                            Duration timeout) {
        CompletableFuture<SocketEndpoint> result = new CompletableFuture<>();
        reactor.execute(() -> {
            SocketChannel channel;
            try {
                channel = SocketChannel.open();
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            } catch (IOException e) {
                result.completeExceptionally(e);
                return;
            }
            ScheduledFuture<?> expiry = timer.schedule(() -> reactor.execute(() -> {
                if (result.completeExceptionally(new SocketTimeoutException("no answer within " + timeout.toSeconds() + " s"))) {
                    SocketEndpoint.closeNow(channel, true);
                }
            }), timeout.toMillis(), TimeUnit.MILLISECONDS);
            try {
                SelectionKey key = reactor.register(channel, SelectionKey.OP_CONNECT, new Reactor.Handler() {
                    @Override
                    public void ready(SelectionKey k) throws IOException {
                        if (channel.finishConnect()) {
                            connected(k, reactor, result, expiry);
                        }
                    }

                    @Override
                    public void failed(Exception cause) {
                        expiry.cancel(false);
                        if (result.completeExceptionally(cause)) {
                            SocketEndpoint.closeNow(channel, true);
                        }
                    }
                });
                if (channel.connect(address)) {
                    connected(key, reactor, result, expiry);
                }
            } catch (IOException e) {
                expiry.cancel(false);
                result.completeExceptionally(e);
                SocketEndpoint.closeNow(channel, true);
            }
        });
        return result;
    }

    private static void connected(SelectionKey key, Reactor reactor, CompletableFuture<SocketEndpoint> result, ScheduledFuture<?> expiry) {
        expiry.cancel(false);
        SocketEndpoint endpoint = SocketEndpoint.attach(key, reactor);
        if (!result.complete(endpoint)) {
            endpoint.close(true);
        }
    }
}
