package org.ftb.ssh;

import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.channel.LocalWindow;
import org.apache.sshd.common.io.IoReadFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.ftb.relay.ReadSize;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A direct-tcpip channel in asynchronous mode as a {@link TunnelStream}. It fixes MINA's end-of-file
 * stall against OpenSSH: an incoming SSH EOF ends our read side at once instead of waiting for the
 * channel to close, which OpenSSH does only after both directions have ended. It also tells that EOF
 * apart from a channel that closed without one (the connection lost), which MINA reports alike.
 */
final class DirectTcpipStream implements TunnelStream {
    /** MINA's hint when SSH_MSG_CHANNEL_EOF arrives. */
    static final String EOF_HINT = "SSH_MSG_CHANNEL_EOF";
    private static final AttributeRepository.AttributeKey<Boolean> EOF_RECEIVED = new AttributeRepository.AttributeKey<>();

    private final ChannelDirectTcpip channel;
    private final String description;
    // A read that fills it leaves its bytes to the reader and a larger one here (ReadSize).
    private ByteArrayBuffer readBuffer = new ByteArrayBuffer(ReadSize.SMALL, false);

    /** Opens a sibling channel on the same SSH session. */
    interface SiblingOpener {
        CompletableFuture<TunnelStream> open(String destination, int port, String originHost, int originPort);
    }

    private final SiblingOpener siblings;
    /** Our EOF is sent: set before the channel can close in answer to it. */
    private volatile boolean outputShut;

    DirectTcpipStream(ChannelDirectTcpip channel, String description, Runnable onClose, SiblingOpener siblings) {
        this.channel = channel;
        this.description = description;
        this.siblings = siblings;
        channel.addCloseFutureListener(f -> onClose.run());
    }

    /** Records the peer's EOF and ends the read side at once; register before the channel opens. */
    static ChannelListener eofListener() {
        return new ChannelListener() {
            @Override
            public void channelStateChanged(Channel channel, String hint) {
                if (EOF_HINT.equals(hint) && channel instanceof ChannelDirectTcpip direct && direct.getAsyncOut() != null) {
                    direct.setAttribute(EOF_RECEIVED, Boolean.TRUE);
                    direct.getAsyncOut().close(false);
                }
            }
        };
    }

    @Override
    public void read(Reader reader) {
        ByteArrayBuffer buffer = readBuffer;
        buffer.clear(false);
        try {
            channel.getAsyncOut().read(buffer).addListener((IoReadFuture f) -> {
                Throwable error = f.getException();
                if (error instanceof EOFException) {
                    endOfStream(reader);
                } else if (error != null) {
                    reader.failed(error);
                } else {
                    Buffer b = f.getBuffer();
                    // The array's length: a MINA buffer's capacity() is the room left after what it holds.
                    int size = buffer.array().length;
                    int capacity = ReadSize.next(size, b.available());
                    if (capacity != size) {
                        readBuffer = new ByteArrayBuffer(capacity, false);
                    }
                    reader.received(ByteBuffer.wrap(b.array(), b.rpos(), b.available()));
                }
            });
        } catch (RuntimeException e) {
            reader.failed(e);
        }
    }

    /**
     * The channel's input ended. Clean only after the peer's EOF, or when the peer closed the channel
     * after ours (RFC 4254 5.3 lets it close without an EOF of its own once both sides are done, as
     * MINA's server does); a channel that closes under an open direction is broken, and one whose SSH
     * connection is gone is lost.
     */
    private void endOfStream(Reader reader) {
        if (channel.isEofSignalled() || Boolean.TRUE.equals(channel.getAttribute(EOF_RECEIVED))) {
            reader.ended();
        } else if (sessionGone()) {
            reader.failed(lost());
        } else if (outputShut) {
            reader.ended();
        } else {
            reader.failed(new IOException("the SSH server closed the channel to the destination without end-of-file"));
        }
    }

    private boolean sessionGone() {
        var session = channel.getSession();
        return session == null || session.isClosing() || session.isClosed();
    }

    private TunnelLost lost() {
        return new TunnelLost("the SSH connection " + description + " was lost");
    }

    @Override
    public void write(ByteBuffer data, Writer writer) {
        int length = data.remaining();
        ByteArrayBuffer buffer;
        if (data.hasArray()) {
            buffer = new ByteArrayBuffer(data.array(), data.arrayOffset() + data.position(), length, true);
        } else {
            byte[] copy = new byte[length];
            data.duplicate().get(copy);
            buffer = new ByteArrayBuffer(copy, 0, length, true);
        }
        try {
            channel.getAsyncIn().writeBuffer(buffer).addListener(f -> {
                if (f.isWritten()) {
                    data.position(data.limit());
                    writer.written();
                } else {
                    Throwable cause = f.getException();
                    writer.failed(sessionGone() ? lost() : cause == null ? new IOException("write to the SSH channel failed") : cause);
                }
            });
        } catch (IOException | RuntimeException e) {
            writer.failed(e);
        }
    }

    @Override
    public void shutdownOutput() {
        outputShut = true;
        channel.getAsyncIn().close(false);
    }

    /**
     * Always MINA's graceful close, even to abort: it sends SSH_MSG_CHANNEL_CLOSE at once, which makes
     * the SSH server close its socket to the destination; MINA's immediate close only forgets the
     * channel locally, leaving the FTP server's connection open until the whole SSH connection ends.
     * To abort, our receive window is opened first, and a closing channel gives back the window of what
     * still arrives ({@link DirectChannel}): an SSH server that waits for window space to finish a pending write
     * before it closes (MINA's does) would otherwise keep the destination's socket open.
     */
    @Override
    public void close(boolean abort) {
        if (abort) {
            LocalWindow window = channel.getLocalWindow();
            long room = window.getMaxSize() - window.getSize();
            try {
                if (room > 0) {
                    window.release(room);
                }
            } catch (IOException | RuntimeException e) {
                // the channel is closing already: nothing is waiting for window space
            }
        }
        channel.close(false);
    }

    /**
     * A direct-tcpip channel that, once closing, gives the window back for what still arrives. MINA drops
     * data that reaches a closing channel but leaves its window used up, so the SSH server, whose
     * pending write waits for window space, would never finish closing its socket to the destination.
     */
    static final class DirectChannel extends ChannelDirectTcpip {
        DirectChannel(SshdSocketAddress local, SshdSocketAddress remote) {
            super(local, remote);
        }

        @Override
        protected void doWriteData(byte[] data, int off, long len) throws IOException {
            if (isClosing()) {
                getLocalWindow().release(len);
                return;
            }
            super.doWriteData(data, off, len);
        }
    }

    @Override
    public CompletableFuture<TunnelStream> openAlongside(String destination, int port, String originHost, int originPort) {
        return siblings.open(destination, port, originHost, originPort);
    }

    @Override
    public String describe() {
        return description;
    }
}
