package org.ftb.ssh;

import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.io.IoReadFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * A direct-tcpip channel in asynchronous mode as a {@link TunnelStream}. It fixes MINA's end-of-file
 * stall against OpenSSH: an incoming SSH EOF ends our read side at once instead of waiting for the
 * channel to close, which OpenSSH does only after both directions have ended.
 */
final class DirectTcpipStream implements TunnelStream {
    /** MINA's hint when SSH_MSG_CHANNEL_EOF arrives. */
    static final String EOF_HINT = "SSH_MSG_CHANNEL_EOF";

    private final ChannelDirectTcpip channel;
    private final String description;
    private final ByteArrayBuffer readBuffer = new ByteArrayBuffer(64 * 1024, false);

    /** Opens a sibling channel on the same SSH session. */
    interface SiblingOpener {
        java.util.concurrent.CompletableFuture<TunnelStream> open(String destination, int port, String originHost, int originPort);
    }

    private final SiblingOpener siblings;

    DirectTcpipStream(ChannelDirectTcpip channel, String description, Runnable onClose, SiblingOpener siblings) {
        this.channel = channel;
        this.description = description;
        this.siblings = siblings;
        channel.addCloseFutureListener(f -> onClose.run());
    }

    /** Ends the read side when the peer's EOF arrives; register before the channel opens. */
    static ChannelListener eofListener() {
        return new ChannelListener() {
            @Override
            public void channelStateChanged(Channel channel, String hint) {
                if (EOF_HINT.equals(hint) && channel instanceof ChannelDirectTcpip direct && direct.getAsyncOut() != null) {
                    direct.getAsyncOut().close(false);
                }
            }
        };
    }

    @Override
    public void write(byte[] data, int length, Runnable done, Consumer<Throwable> failed) {
        try {
            channel.getAsyncIn().writeBuffer(new ByteArrayBuffer(data, 0, length, true)).addListener(f -> {
                if (f.isWritten()) {
                    done.run();
                } else {
                    failed.accept(f.getException());
                }
            });
        } catch (IOException | RuntimeException e) {
            failed.accept(e);
        }
    }

    @Override
    public void read(Received received, Consumer<Throwable> failed) {
        readBuffer.clear(false);

        try {
            channel.getAsyncOut().read(readBuffer).addListener((IoReadFuture f) -> {
                Throwable error = f.getException();
                if (error instanceof java.io.EOFException) {
                    received.bytes(readBuffer.array(), 0, -1);
                } else if (error != null) {
                    failed.accept(error);
                } else {
                    Buffer b = f.getBuffer();
                    received.bytes(b.array(), b.rpos(), b.available());
                }
            });
        } catch (RuntimeException e) {
            failed.accept(e);
        }
    }

    @Override
    public void shutdownOutput() {
        channel.getAsyncIn().close(false);
    }

    @Override
    public void close(boolean abort) {
        channel.close(abort);
    }

    @Override
    public java.util.concurrent.CompletableFuture<TunnelStream> openAlongside(String destination, int port, String originHost,
                                                                            int originPort) {
        return siblings.open(destination, port, originHost, originPort);
    }

    @Override
    public String describe() {
        return description;
    }

}
