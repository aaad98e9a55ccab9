package org.ftb.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A non-blocking TCP echo server on loopback with its own two threads, so that a thousand echo
 * connections do not add a thousand threads to the test. End of stream from a client, once everything
 * before it is echoed, closes the connection.
 */
public final class EchoServer implements AutoCloseable {
    private final AsynchronousChannelGroup group;
    private final AsynchronousServerSocketChannel server;
    private final AtomicInteger connections = new AtomicInteger();

    public EchoServer() throws IOException {
        group = AsynchronousChannelGroup.withFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "echo-server");
            t.setDaemon(true);
            return t;
        });
        server = AsynchronousServerSocketChannel.open(group).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2048);
        accept();
    }

    public int port() {
        try {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int connections() {
        return connections.get();
    }

    private void accept() {
        server.accept(null, new CompletionHandler<>() {
            @Override
            public void completed(AsynchronousSocketChannel channel, Object attachment) {
                connections.incrementAndGet();
                accept();
                try {
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                } catch (IOException e) {
                    close(channel);
                    return;
                }
                echo(channel, ByteBuffer.allocate(16 * 1024));
            }

            @Override
            public void failed(Throwable exc, Object attachment) {
                // closed
            }
        });
    }

    private static void echo(AsynchronousSocketChannel channel, ByteBuffer buffer) {
        buffer.clear();
        channel.read(buffer, null, new CompletionHandler<Integer, Object>() {
            @Override
            public void completed(Integer n, Object attachment) {
                if (n < 0) {
                    close(channel); // everything read has been echoed: end our side too
                    return;
                }
                buffer.flip();
                write(channel, buffer);
            }

            @Override
            public void failed(Throwable exc, Object attachment) {
                close(channel);
            }
        });
    }

    private static void write(AsynchronousSocketChannel channel, ByteBuffer buffer) {
        channel.write(buffer, null, new CompletionHandler<Integer, Object>() {
            @Override
            public void completed(Integer n, Object attachment) {
                if (buffer.hasRemaining()) {
                    write(channel, buffer);
                } else {
                    echo(channel, buffer);
                }
            }

            @Override
            public void failed(Throwable exc, Object attachment) {
                close(channel);
            }
        });
    }

    private static void close(AsynchronousSocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // gone
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        group.shutdownNow();
        group.awaitTermination(5, TimeUnit.SECONDS);
    }

}
