package org.ftb.relay;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One direction of a relay: reads from a source and writes to a sink, one chunk at a time, so the
 * source is read again only once the sink has taken the last chunk (back-pressure without a queue).
 * Each step runs on the thread that completed the previous one: a chunk from an SSH channel is
 * written to the client socket by the SSH thread that received it, with no hand-off. A clean end of
 * the source shuts the sink's output down after the last byte; any failure is reported once and the
 * pump stops. Bytes count as delivered when the sink has taken them, not when they were read.
 *
 * <p>Completions that arrive while the pump is still issuing the operation (a synchronous read or
 * write) are taken up by the running loop instead of recursing, as Jetty's IteratingCallback does.
 */
public final class Pump implements Endpoint.Reader, Endpoint.Writer {
    /** What a pump reports when it stops; called once, on the thread that saw the end. */
    public interface Listener {
        /** The source ended cleanly and the sink's output was shut down after every byte. */
        void ended(Pump pump);

        /** The source or the sink broke; {@code atSource} tells which. */
        void failed(Pump pump, boolean atSource, Throwable cause);
    }

    private static final int PROCESSING = 1;
    private static final int PENDING = 2;
    private static final int CALLED = 3;

    private final Endpoint source;
    private final Endpoint sink;
    private final Listener listener;
    private final LongSupplier clock;
    private final AtomicLong total;
    private final AtomicInteger state = new AtomicInteger(PROCESSING);
    private volatile long delivered;
    private volatile long lastActivityNanos;
    private volatile boolean stopped;
    // Owned by whichever thread runs the current step; handed over through {@link #state}.
    private ByteBuffer data;
    private int writing;
    private boolean sourceEnded;
    private Throwable failure;
    private boolean failedAtSource;

    /**
     * @param total a broker-wide counter that also receives every delivered byte
     * @param clock monotonic nanoseconds ({@code System::nanoTime}), for the idle clock
     */
    public Pump(Endpoint source, Endpoint sink, AtomicLong total, LongSupplier clock, Listener listener) {
        this.source = source;
        this.sink = sink;
        this.total = total;
        this.clock = clock;
        this.listener = listener;
        this.lastActivityNanos = clock.getAsLong();
    }

    /** Starts pumping; {@code first} holds bytes that arrived before the pump (pipelined), possibly none. */
    public void start(ByteBuffer first) {
        data = first.hasRemaining() ? first : null;
        run();
    }

    /** Bytes the sink has taken. */
    public long delivered() {
        return delivered;
    }

    /**
     * When bytes last moved, in the clock's nanoseconds: read, delivered, or part of a write taken (a
     * client reading at its own pace moves bytes, while one that stopped reading does not).
     */
    public long lastActivityNanos() {
        return lastActivityNanos;
    }

    /** True once the pump has ended or failed. */
    public boolean stopped() {
        return stopped;
    }

    private void run() {
        while (step()) {
            if (state.compareAndSet(PROCESSING, PENDING)) {
                return;
            }
            state.set(PROCESSING); // the operation completed before it returned: go on here
        }
    }

    /** Issues the next operation; false when the pump has stopped. */
    private boolean step() {
        if (failure != null) {
            stopped = true;
            listener.failed(this, failedAtSource, failure);
            return false;
        }
        if (data != null) {
            writing = data.remaining();
            sink.write(data, this);
            return true;
        }
        if (sourceEnded) {
            sink.shutdownOutput();
            stopped = true;
            listener.ended(this);
            return false;
        }
        source.read(this);
        return true;
    }

    private void completed() {
        if (state.compareAndSet(PROCESSING, CALLED)) {
            return;
        }
        state.set(PROCESSING);
        run();
    }

    @Override
    public void received(ByteBuffer bytes) {
        lastActivityNanos = clock.getAsLong();
        data = bytes.hasRemaining() ? bytes : null;
        completed();
    }

    @Override
    public void ended() {
        sourceEnded = true;
        completed();
    }

    @Override
    public void written() {
        delivered += writing;
        total.addAndGet(writing);
        lastActivityNanos = clock.getAsLong();
        data = null;
        completed();
    }

    @Override
    public void progressed(int taken) {
        // Counted now: the audit record of a session cancelled mid-write must show what its client got.
        writing -= taken;
        delivered += taken;
        total.addAndGet(taken);
        lastActivityNanos = clock.getAsLong();
    }

    /** A failed read (from the source) or write (to the sink): only one is ever in flight. */
    @Override
    public void failed(Throwable cause) {
        failure = cause;
        failedAtSource = data == null;
        completed();
    }
}
