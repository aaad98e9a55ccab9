package org.ftb.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One direction of a relay, with back-pressure: it reads only while its buffer is empty, and a
 * buffer that the destination cannot take yet stops reading until it can. End of stream from the
 * source becomes a half-close of the destination, so the other direction keeps flowing.
 */
final class Flow {
    /** Enough for full-speed bulk transfers; two per connection bound the memory a connection holds. */
    static final int BUFFER_SIZE = 64 * 1024;

    private final SocketChannel from;
    private final SocketChannel to;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
    private final AtomicLong bytes;
    private final AtomicLong total;
    private boolean draining;
    private boolean ended;

    Flow(SocketChannel from, SocketChannel to, AtomicLong bytes, AtomicLong total) {
        this.from = from;
        this.to = to;
        this.bytes = bytes;
        this.total = total;
    }

    /** Sends bytes that arrived before the relay began (payload pipelined with the SOCKS request). */
    void begin(ByteBuffer first) throws IOException {
        if (first.hasRemaining()) {
            count(first.remaining());
            buffer.put(first).flip();
            draining = true;
            drain();
        }
    }

    /** The source is readable: take what it has and pass it on as far as the destination allows. */
    boolean read() throws IOException {
        int n = from.read(buffer);
        if (n < 0) {
            ended = true;
            to.shutdownOutput();
            return false;
        }
        if (n > 0) {
            count(n);
            buffer.flip();
            draining = true;
            drain();
        }
        return n > 0;
    }

    /** The destination is writable (or may be): write what is buffered. */
    void drain() throws IOException {
        to.write(buffer);
        if (!buffer.hasRemaining()) {
            buffer.clear();
            draining = false;
        }
    }

    boolean wantsRead() {
        return !ended && !draining;
    }

    boolean wantsWrite() {
        return draining;
    }

    /** The source has ended and everything it sent has been written. */
    boolean finished() {
        return ended && !draining;
    }

    private void count(int n) {
        bytes.addAndGet(n);
        total.addAndGet(n);
    }
}
