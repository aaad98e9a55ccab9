package org.ftb.relay;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Messages queued for one endpoint by a writer that produces them in whole lines (the FTP control
 * connection: replies relayed, rewritten or made by the broker). Written in order, one at a time; a
 * requested end of output waits until the queue is empty. Confined to its owner's thread: completions
 * are handed back there through {@code owner}.
 */
public final class Outbox implements Endpoint.Writer {
    /** Queued bytes above which producers should wait for {@link #whenBelowHighWater}. */
    public static final int HIGH_WATER = 256 * 1024;

    private final Endpoint sink;
    private final Executor owner;
    private final AtomicLong total;
    private final LongSupplier clock;
    private final Consumer<Throwable> failed;
    private final Deque<ByteBuffer> queue = new ArrayDeque<>();
    private final Deque<Runnable> waiting = new ArrayDeque<>();
    private long queued;
    private volatile long delivered;
    private volatile long lastActivityNanos;
    private boolean writing;
    private boolean finishing;
    private boolean finished;
    private Runnable afterFinish;

    public Outbox(Endpoint sink, Executor owner, AtomicLong total, LongSupplier clock, Consumer<Throwable> failed) {
        this.sink = sink;
        this.owner = owner;
        this.total = total;
        this.clock = clock;
        this.failed = failed;
        this.lastActivityNanos = clock.getAsLong();
    }

    /** Queues {@code bytes} (not copied: the caller gives them up). */
    public void send(byte[] bytes) {
        if (finishing || bytes.length == 0) {
            return;
        }
        queue.add(ByteBuffer.wrap(bytes));
        queued += bytes.length;
        flush();
    }

    /** Ends the endpoint's output once everything queued is written, then runs {@code then}. */
    public void finish(Runnable then) {
        if (!finishing) {
            finishing = true;
            afterFinish = then;
            flush();
        }
    }

    /** True when nothing is queued or being written. */
    public boolean isEmpty() {
        return queued == 0;
    }

    /** Runs {@code then} (on the owner's thread) once the queue is below {@link #HIGH_WATER}. */
    public void whenBelowHighWater(Runnable then) {
        if (queued < HIGH_WATER) {
            then.run();
        } else {
            waiting.add(then);
        }
    }

    public long delivered() {
        return delivered;
    }

    public long lastActivityNanos() {
        return lastActivityNanos;
    }

    private void flush() {
        if (writing) {
            return;
        }
        ByteBuffer head = queue.peek();
        if (head != null) {
            writing = true;
            sink.write(head, this);
        } else if (finishing && !finished) {
            finished = true;
            sink.shutdownOutput();
            afterFinish.run();
        }
    }

    @Override
    public void written() {
        owner.execute(() -> {
            ByteBuffer done = queue.poll();
            int n = done == null ? 0 : done.limit();
            queued -= n;
            delivered += n;
            total.addAndGet(n);
            lastActivityNanos = clock.getAsLong();
            writing = false;
            flush();
            while (queued < HIGH_WATER && !waiting.isEmpty()) {
                waiting.poll().run();
            }
        });
    }

    @Override
    public void failed(Throwable cause) {
        owner.execute(() -> failed.accept(cause));
    }
}
