package org.ftb.broker;

import org.ftb.message.MessageLog;
import org.ftb.net.Reactor;
import org.ftb.relay.Endpoint;
import org.ftb.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bounds of held uploads, without sockets: the channels are in-memory endpoints whose reads never
 * complete (an upload's server sends nothing), so only the broker's own limits can end a hold.
 */
class HeldUploadsTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Reactor reactor = new Reactor(Thread::new, new MessageLog(LoggerFactory.getLogger("ftb")));

    HeldUploadsTest() throws IOException {
    }

    @AfterEach
    void stop() {
        reactor.shutdown();
        timer.shutdownNow();
    }

    /** A data channel that records how it was closed. */
    private static final class Channel implements Endpoint {
        final AtomicBoolean closed = new AtomicBoolean();
        final AtomicInteger reads = new AtomicInteger();
        volatile Reader reader;

        @Override
        public void read(Reader reader) {
            this.reader = reader;
            reads.incrementAndGet();
        }

        @Override
        public void write(ByteBuffer data, Writer writer) {
            writer.written();
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public void close(boolean abort) {
            closed.set(true);
        }
    }

    /** A store in progress; the server can be sent ABOR. */
    private static final class Stored implements HeldUploads.Store {
        final AtomicInteger aborts = new AtomicInteger();
        volatile boolean inProgress = true;

        @Override
        public boolean inProgress(int port) {
            return inProgress;
        }

        @Override
        public int announcement() {
            return 1;
        }

        @Override
        public boolean mayStart(int announcement) {
            return false;
        }

        @Override
        public boolean canAbort(int port) {
            return true;
        }

        @Override
        public boolean abortWaits(int port) {
            return false;
        }

        @Override
        public void abort(int port) {
            aborts.incrementAndGet();
        }
    }

    @Test
    void aBrokenStoreIsHeldAndAbortedAndNoMoreThanTheLimitAreHeld() {
        try (LogCapture log = new LogCapture()) {
            HeldUploads held = new HeldUploads(timer, Duration.ofHours(2), 1, new MessageLog(LoggerFactory.getLogger("ftb")));
            Stored store = new Stored();
            Channel first = new Channel();
            Channel second = new Channel();
            held.guard(first, reactor, "C1", store).closeBroken();
            await().until(() -> held.count() == 1);
            assertThat(first.closed).isFalse();
            assertThat(first.reads).as("its server's side is watched").hasValue(1);
            assertThat(store.aborts).hasValue(1);
            held.guard(second, reactor, "C2", store).closeBroken();
            await().until(first.closed::get);
            assertThat(held.count()).isEqualTo(1);
            assertThat(second.closed).isFalse();
            assertThat(log.withId("FTB0243W")).singleElement().asString().startsWith("FTB0243W C1 ").contains("1 broken uploads are held");
            held.update(store);
            assertThat(second.closed).as("the store's reply is no sign: only the server's side ending is").isFalse();
            second.reader.ended();
            assertThat(second.closed).isTrue();
            assertThat(held.count()).isZero();
            assertThat(log.withId("FTB0244I")).singleElement().asString().startsWith("FTB0244I C2 ");
        }
    }

    @Test
    void aHoldEndsAtHoldTimeoutAndNothingIsHeldWithoutAStoreOrWithHoldTimeoutZero() {
        try (LogCapture log = new LogCapture()) {
            HeldUploads held = new HeldUploads(timer, Duration.ofMillis(200), 10, new MessageLog(LoggerFactory.getLogger("ftb")));
            Stored store = new Stored();
            Channel expiring = new Channel();
            held.guard(expiring, reactor, "C1", store).closeBroken();
            await().atMost(Duration.ofSeconds(5)).until(expiring.closed::get);
            assertThat(log.withId("FTB0243W")).singleElement().asString().contains("after HOLDTIMEOUT");

            store.inProgress = false;
            Channel download = new Channel();
            held.guard(download, reactor, "C2", store).closeBroken();
            await().until(download.closed::get);

            HeldUploads off = new HeldUploads(timer, Duration.ZERO, 10, new MessageLog(LoggerFactory.getLogger("ftb")));
            store.inProgress = true;
            Channel unheld = new Channel();
            off.guard(unheld, reactor, "C3", store).closeBroken();
            await().until(unheld.closed::get);
            assertThat(log.withId("FTB0243W")).hasSize(2).last().asString().contains("HOLDTIMEOUT is 0");
            assertThat(held.count() + off.count()).isZero();
        }
    }
}
