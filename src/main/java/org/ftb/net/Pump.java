package org.ftb.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves bytes one way between two sockets with back-pressure: at most one read in flight, and the
 * next read starts only when the previous bytes are all written. End of stream is passed on as a
 * half-close, so the other direction keeps flowing.
 */
final class Pump {
    /** Large enough for full-speed bulk transfers; 2 x 64 KiB per connection bounds the memory. */
    static final int BUFFER_SIZE = 64 * 1024;

    /** What the relay hears from a pump. */
    interface Listener {
        void activity();

        void ended(Pump pump);

        void failed(Pump pump, Throwable cause);
    }

    private final AsynchronousSocketChannel from;
    private final AsynchronousSocketChannel to;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
    private final AtomicLong bytes;
    private final AtomicLong total;
    private final Listener listener;
    private final Completion<Integer> readDone = Completion.of(this::onRead, this::onFailure);
    private final Completion<Integer> writeDone = Completion.of(this::onWritten, this::onFailure);

    Pump(AsynchronousSocketChannel from, AsynchronousSocketChannel to, AtomicLong bytes, AtomicLong total, Listener listener) {
        this.from = from;
        this.to = to;
        this.bytes = bytes;
        this.total = total;
        this.listener = listener;
    }

    /** Starts by writing {@code first} (bytes that came with the SOCKS request), then pumps. */
    void start(ByteBuffer first) {
        if (first.hasRemaining()) {
            count(first.remaining());
            buffer.put(first).flip();
            to.write(buffer, null, writeDone);
        } else {
            read();
        }
    }

    private void read() {
        buffer.clear();
        from.read(buffer, null, readDone);
    }

    private void onRead(int n) {
        if (n < 0) {
            try {
                to.shutdownOutput();
            } catch (IOException e) {
                listener.failed(this, e);
                return;
            }
            listener.ended(this);
            return;
        }
        count(n);
        listener.activity();
        buffer.flip();
        to.write(buffer, null, writeDone);
    }

    private void onWritten(int n) {
        if (buffer.hasRemaining()) {
            to.write(buffer, null, writeDone);
        } else {
            read();
        }
    }

    private void onFailure(Throwable cause) {
        listener.failed(this, cause);
    }

    private void count(int n) {
        bytes.addAndGet(n);
        total.addAndGet(n);
    }
}
