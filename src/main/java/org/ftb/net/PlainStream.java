package org.ftb.net;

import org.ftb.ssh.TunnelStream;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A direct, unencrypted TCP connection behind the {@link TunnelStream} interface, for FALLBACK(PLAIN):
 * the FTP session carries on exactly as through a tunnel, only without SSH. It lives on a reactor,
 * like every socket of the broker, and resets on abort like the rest of the relay.
 */
final class PlainStream implements TunnelStream {
    private static final int BUFFER = 64 * 1024;

    private final SocketChannel channel;
    private final Reactor reactor;
    private final Executor workers;
    private final String description;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(BUFFER);
    private SelectionKey key;
    private ByteBuffer pendingWrite;
    private Runnable writeDone;
    private Received pendingRead;
    private Consumer<Throwable> readFailed;
    private Consumer<Throwable> writeFailed;

    private PlainStream(SocketChannel channel, Reactor reactor, Executor workers, String description) {
        this.channel = channel;
        this.reactor = reactor;
        this.workers = workers;
        this.description = description;
    }

    /** Resolves (on a worker) and connects (on the reactor) to {@code host:port}. */
    static CompletableFuture<TunnelStream> connect(String host, int port, Reactor reactor, Executor workers) {
        CompletableFuture<TunnelStream> result = new CompletableFuture<>();
        workers.execute(() -> {
            InetAddress address;
            try {
                address = InetAddress.getByName(host);
            } catch (IOException e) {
                result.completeExceptionally(e);
                return;
            }
            reactor.execute(() -> {
                try {
                    SocketChannel channel = SocketChannel.open();
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                    PlainStream stream = new PlainStream(channel, reactor, workers, "PLAINTEXT to " + host + ":" + port + " (no SSH)");
                    stream.key = reactor.register(channel, SelectionKey.OP_CONNECT, new Reactor.Handler() {
                        @Override
                        public void ready(SelectionKey k) throws IOException {
                            if (k.isConnectable()) {
                                if (channel.finishConnect()) {
                                    k.interestOps(0);
                                    result.complete(stream);
                                }
                                return;
                            }
                            stream.ready(k);
                        }

                        @Override
                        public void failed(Exception cause) {
                            if (!result.isDone()) {
                                result.completeExceptionally(cause);
                            } else {
                                stream.fail(cause);
                            }
                            ClientSession.close(channel, true);
                        }
                    });
                    if (channel.connect(new InetSocketAddress(address, port))) {
                        stream.key.interestOps(0);
                        result.complete(stream);
                    }
                } catch (IOException e) {
                    result.completeExceptionally(e);
                }
            });
        });
        return result;
    }

    private void ready(SelectionKey k) throws IOException {
        if (k.isWritable() && pendingWrite != null) {
            flush();
        }
        if (k.isValid() && k.isReadable() && pendingRead != null) {
            readNow();
        }
    }

    private void interest() {
        if (key.isValid()) {
            key.interestOps((pendingRead != null ? SelectionKey.OP_READ : 0) | (pendingWrite != null ? SelectionKey.OP_WRITE : 0));
        }
    }

    @Override
    public void write(byte[] data, int length, Runnable done, Consumer<Throwable> failed) {
        reactor.execute(() -> {
            pendingWrite = ByteBuffer.wrap(data, 0, length);
            writeDone = done;
            writeFailed = failed;
            try {
                flush();
            } catch (IOException e) {
                fail(e);
            }
        });
    }

    private void flush() throws IOException {
        channel.write(pendingWrite);
        if (!pendingWrite.hasRemaining()) {
            pendingWrite = null;
            Runnable done = writeDone;
            writeDone = null;
            done.run();
        }
        interest();
    }

    @Override
    public void read(Received received, Consumer<Throwable> failed) {
        reactor.execute(() -> {
            pendingRead = received;
            readFailed = failed;
            interest();
        });
    }

    private void readNow() throws IOException {
        readBuffer.clear();
        int n = channel.read(readBuffer);
        if (n == 0) {
            return;
        }
        Received received = pendingRead;
        pendingRead = null;
        interest();
        received.bytes(readBuffer.array(), 0, n < 0 ? -1 : n);
    }

    private void fail(Throwable cause) {
        if (readFailed != null && pendingRead != null) {
            pendingRead = null;
            readFailed.accept(cause);
        } else if (writeFailed != null && pendingWrite != null) {
            pendingWrite = null;
            writeFailed.accept(cause);
        }
    }

    @Override
    public void shutdownOutput() {
        reactor.execute(() -> {
            try {
                channel.shutdownOutput();
            } catch (IOException e) {
                fail(e);
            }
        });
    }

    @Override
    public void close(boolean abort) {
        reactor.execute(() -> ClientSession.close(channel, abort));
    }

    @Override
    public CompletableFuture<TunnelStream> openAlongside(String destination, int port, String originHost, int originPort) {
        return connect(destination, port, reactor, workers);
    }

    @Override
    public String describe() {
        return description;
    }
}
