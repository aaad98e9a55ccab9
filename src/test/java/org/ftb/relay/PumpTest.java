package org.ftb.relay;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pump without sockets: scripted in-memory endpoints that complete at once (as a ready socket
 * does, on the calling thread) or later (as a socket waiting for readiness, or an SSH window).
 */
class PumpTest {
    /** A source that hands out its chunks, then ends or fails; completes each read at once. */
    private static final class Source implements Endpoint {
        final Deque<String> chunks = new ArrayDeque<>();
        Throwable failure;
        int reads;

        Source(String... chunks) {
            this.chunks.addAll(List.of(chunks));
        }

        @Override
        public void read(Reader reader) {
            reads++;
            String next = chunks.poll();
            if (next != null) {
                reader.received(ByteBuffer.wrap(next.getBytes(StandardCharsets.US_ASCII)));
            } else if (failure != null) {
                reader.failed(failure);
            } else {
                reader.ended();
            }
        }

        @Override
        public void write(ByteBuffer data, Writer writer) {
            throw new AssertionError("a source is not written to");
        }

        @Override
        public void shutdownOutput() {
            throw new AssertionError("a source's output is not shut down");
        }

        @Override
        public void close(boolean abort) {
        }
    }

    /** A sink that takes writes at once, or holds them until {@link #release} when {@code slow}. */
    private static final class Sink implements Endpoint {
        final ByteArrayOutputStream taken = new ByteArrayOutputStream();
        final List<Writer> held = new ArrayList<>();
        final List<ByteBuffer> heldData = new ArrayList<>();
        boolean slow;
        boolean shut;
        IOException failWrites;

        @Override
        public void read(Reader reader) {
            throw new AssertionError("a sink is not read");
        }

        @Override
        public void write(ByteBuffer data, Writer writer) {
            if (failWrites != null) {
                writer.failed(failWrites);
            } else if (slow) {
                held.add(writer);
                heldData.add(data);
            } else {
                take(data);
                writer.written();
            }
        }

        void take(ByteBuffer data) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            taken.writeBytes(bytes);
        }

        void release() {
            Writer w = held.remove(0);
            take(heldData.remove(0));
            w.written();
        }

        @Override
        public void shutdownOutput() {
            shut = true;
        }

        @Override
        public void close(boolean abort) {
        }
    }

    private static final class Outcome implements Pump.Listener {
        int ended;
        int failed;
        boolean atSource;
        Throwable cause;

        @Override
        public void ended(Pump pump) {
            ended++;
        }

        @Override
        public void failed(Pump pump, boolean atSource, Throwable cause) {
            failed++;
            this.atSource = atSource;
            this.cause = cause;
        }
    }

    private final AtomicLong total = new AtomicLong();
    private long now = 1_000;

    @Test
    void synchronousCompletionsLoopWithoutRecursionAndEndCleanlyAfterTheLastByte() {
        String[] chunks = new String[50_000];
        java.util.Arrays.fill(chunks, "ab");
        Source source = new Source(chunks);
        Sink sink = new Sink();
        Outcome outcome = new Outcome();
        new Pump(source, sink, total, () -> now, outcome).start(ByteBuffer.wrap("first".getBytes(StandardCharsets.US_ASCII)));
        assertThat(sink.taken.size()).isEqualTo(5 + 100_000); // a recursing pump would overflow the stack long before
        assertThat(sink.shut).isTrue();
        assertThat(outcome.ended).isEqualTo(1);
        assertThat(outcome.failed).isZero();
        assertThat(total.get()).isEqualTo(100_005);
    }

    @Test
    void theSourceIsReadAgainOnlyOnceTheSinkTookTheLastChunkAndBytesCountWhenDelivered() {
        Source source = new Source("one", "two");
        Sink sink = new Sink();
        sink.slow = true;
        Outcome outcome = new Outcome();
        Pump pump = new Pump(source, sink, total, () -> now, outcome);
        pump.start(ByteBuffer.allocate(0));
        assertThat(source.reads).isEqualTo(1);
        assertThat(pump.delivered()).as("read, not yet delivered").isZero();
        now = 5_000;
        assertThat(pump.lastActivityNanos()).as("a write waiting for the sink is no activity").isEqualTo(1_000);
        sink.held.get(0).progressed(1);
        assertThat(pump.lastActivityNanos()).as("part of a write taken is").isEqualTo(5_000);
        assertThat(pump.delivered()).as("the part taken counts as delivered").isEqualTo(1);
        sink.release();
        assertThat(pump.delivered()).isEqualTo(3);
        assertThat(source.reads).isEqualTo(2);
        sink.release();
        assertThat(sink.taken.toString(StandardCharsets.US_ASCII)).isEqualTo("onetwo");
        assertThat(sink.shut).isTrue();
        assertThat(outcome.ended).isEqualTo(1);
        now = 9_000;
        assertThat(pump.lastActivityNanos()).as("idle since the last delivery").isEqualTo(5_000);
    }

    @Test
    void aBrokenSourceIsReportedOnceAndTheSinkIsNotEndedCleanly() {
        Source source = new Source("part");
        source.failure = new IOException("Connection reset");
        Sink sink = new Sink();
        Outcome outcome = new Outcome();
        new Pump(source, sink, total, () -> now, outcome).start(ByteBuffer.allocate(0));
        assertThat(outcome.failed).isEqualTo(1);
        assertThat(outcome.atSource).isTrue();
        assertThat(outcome.cause).hasMessage("Connection reset");
        assertThat(sink.shut).as("a broken stream never looks finished").isFalse();
        assertThat(outcome.ended).isZero();
    }

    @Test
    void aBrokenSinkIsReportedAsTheSinksAndItsBytesAreNotCounted() {
        Source source = new Source("lost");
        Sink sink = new Sink();
        sink.failWrites = new IOException("Broken pipe");
        Outcome outcome = new Outcome();
        Pump pump = new Pump(source, sink, total, () -> now, outcome);
        pump.start(ByteBuffer.allocate(0));
        assertThat(outcome.failed).isEqualTo(1);
        assertThat(outcome.atSource).isFalse();
        assertThat(pump.delivered()).isZero();
        assertThat(total.get()).isZero();
    }

    @Test
    void aCompletionFromAnotherThreadWhileTheLoopRunsIsTakenUpOnce() throws Exception {
        // Writes complete on another thread, reads at once: the hand-over between the two must neither
        // lose a step nor run one twice.
        for (int round = 0; round < 200; round++) {
            String[] chunks = new String[100];
            java.util.Arrays.fill(chunks, "x");
            Source source = new Source(chunks);
            java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
            ByteArrayOutputStream taken = new ByteArrayOutputStream();
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            Endpoint sink = new Endpoint() {
                @Override
                public void read(Reader reader) {
                }

                @Override
                public void write(ByteBuffer data, Writer writer) {
                    other.execute(() -> {
                        synchronized (taken) {
                            taken.write(data.get());
                        }
                        writer.written();
                    });
                }

                @Override
                public void shutdownOutput() {
                    done.countDown();
                }

                @Override
                public void close(boolean abort) {
                }
            };
            new Pump(source, sink, total, System::nanoTime, new Outcome()).start(ByteBuffer.allocate(0));
            assertThat(done.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            other.shutdown();
            synchronized (taken) {
                assertThat(taken.size()).isEqualTo(100);
            }
        }
    }
}
