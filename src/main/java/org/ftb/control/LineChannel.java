package org.ftb.control;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Lines of UTF-8 text on a socket, each read and write bounded by a deadline. The socket is
 * non-blocking and waited on with a selector of its own, since a blocking channel has no read timeout
 * (and a Unix domain channel no socket adaptor to set one on); one connection holds one selector.
 */
final class LineChannel implements Closeable {
    private static final int CHUNK = 1024;

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    /** Bytes read and not yet taken, in read mode: a token and a command may arrive together. */
    private final ByteBuffer input = ByteBuffer.allocate(CHUNK).flip();

    private LineChannel(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        this.key = channel.register(selector, 0);
    }

    /** A connection a server accepted; closed here if it cannot be set up. */
    static LineChannel accepted(SocketChannel channel) throws IOException {
        try {
            return new LineChannel(channel);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Connects to a Unix domain socket or a TCP address.
     *
     * @param deadline {@link System#nanoTime()} by which the connection must be made
     * @throws UnsupportedOperationException when this Java has no Unix domain sockets
     */
    static LineChannel connect(SocketAddress address, long deadline) throws IOException {
        SocketChannel channel = address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        LineChannel line = accepted(channel);
        try {
            if (!channel.connect(address)) {
                line.await(SelectionKey.OP_CONNECT, deadline, () -> channel.finishConnect() ? 1 : 0);
            }
            return line;
        } catch (IOException | RuntimeException e) {
            line.close();
            throw e;
        }
    }

    SocketChannel channel() {
        return channel;
    }

    /**
     * The next line, without its LF and a CR before it, decoded as strict UTF-8.
     *
     * @param maxBytes the longest line accepted, line end excluded
     * @return empty when the connection ends before the line's first byte
     * @throws ProtocolException when the line is longer than {@code maxBytes}
     * @throws CharacterCodingException when it is not UTF-8
     * @throws EOFException when the connection ends within the line
     * @throws SocketTimeoutException when the line has not ended by {@code deadline}
     */
    Optional<String> readLine(int maxBytes, long deadline) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            while (input.hasRemaining()) {
                byte b = input.get();
                if (b == '\n') {
                    return Optional.of(decode(line.toByteArray()));
                }
                // A CR before the LF is not part of the line, so it may take one byte past the limit.
                if (line.size() > maxBytes || line.size() == maxBytes && b != '\r') {
                    throw new ProtocolException("the line is longer than " + maxBytes + " bytes");
                }
                line.write(b);
            }
            input.clear();
            int read = await(SelectionKey.OP_READ, deadline, () -> channel.read(input));
            input.flip();
            if (read < 0) {
                if (line.size() == 0) {
                    return Optional.empty();
                }
                throw new EOFException("the connection ended within a line");
            }
        }
    }

    /** Writes each line with an LF after it; the lines must hold no line end. */
    void writeLines(List<String> lines, long deadline) throws IOException {
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line).append('\n'));
        ByteBuffer output = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        while (output.hasRemaining()) {
            await(SelectionKey.OP_WRITE, deadline, () -> channel.write(output));
        }
    }

    /**
     * True when the peer has ended its side and nothing of it is left to read: a client that closed (or
     * half-closed) its connection. Does not wait; bytes that are there are kept for {@link #readLine}.
     */
    boolean peerEnded() throws IOException {
        if (input.hasRemaining()) {
            return false;
        }
        input.clear();
        int read = channel.read(input);
        input.flip();
        return read < 0;
    }

    /**
     * Reads and drops what has arrived and not been read, at most {@code maxBytes}, without waiting. A
     * socket closed with unread input resets the connection (TCP sends RST, and a Unix domain peer's next
     * read fails), which can take a refusal sent just before away from the client.
     */
    void discardPending(int maxBytes) throws IOException {
        int dropped = 0;
        ByteBuffer sink = ByteBuffer.allocate(CHUNK);
        while (dropped < maxBytes && channel.read(sink.clear()) > 0) {
            dropped += sink.position();
        }
    }

    /** Runs {@code io} until it does something, waiting for {@code readiness} in between. */
    private int await(int readiness, long deadline, Io io) throws IOException {
        while (true) {
            int done = io.run();
            if (done != 0) {
                return done;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("no progress within the time allowed");
            }
            key.interestOps(readiness);
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            selector.selectedKeys().clear();
        }
    }

    private static String decode(byte[] bytes) throws CharacterCodingException {
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, length)).toString();
    }

    /**
     * Ends the connection from another thread: a read or write waiting on it fails at once (with a
     * {@link java.nio.channels.ClosedChannelException}).
     */
    void abort() throws IOException {
        channel.close();
        selector.wakeup();
    }

    /** Closes the connection; a failure to close says nothing the caller could act on. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Its descriptor is released all the same.
        }
        try {
            selector.close();
        } catch (IOException e) {
            // As the channel's.
        }
    }

    @FunctionalInterface
    private interface Io {
        int run() throws IOException;
    }
}
