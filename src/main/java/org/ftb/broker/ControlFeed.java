package org.ftb.broker;

import org.ftb.net.Reactor;
import org.ftb.relay.Endpoint;
import org.ftb.relay.Pump;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The far end of an FTP control-connection pump: what the pump reads from the client or the server
 * goes to the FTP session on its reactor thread, which acknowledges it once it can take more; that
 * acknowledgement is the back-pressure. Its pump's end and failure reach the session on that thread
 * too. Written to, never read.
 */
final class ControlFeed implements Endpoint, Pump.Listener {
    private final Reactor reactor;
    private final BiConsumer<ByteBuffer, Writer> received;
    private final Runnable ended;
    private final BiConsumer<Pump, Throwable> failed;

    /**
     * @param received takes the bytes and calls the writer's {@code written()} when it wants more
     * @param ended    the side ended cleanly
     * @param failed   the pump broke, reading its side or writing here
     */
    ControlFeed(Reactor reactor, BiConsumer<ByteBuffer, Writer> received, Runnable ended, BiConsumer<Pump, Throwable> failed) {
        this.reactor = reactor;
        this.received = received;
        this.ended = ended;
        this.failed = failed;
    }

    /** A pump from {@code source} into this feed; its bytes are counted where they are delivered, not here. */
    Pump pumpFrom(Endpoint source) {
        return new Pump(source, this, new AtomicLong(), System::nanoTime, this);
    }

    @Override
    public void write(ByteBuffer data, Writer writer) {
        reactor.runHere(() -> received.accept(data, writer));
    }

    @Override
    public void shutdownOutput() {
        reactor.runHere(ended);
    }

    @Override
    public void read(Reader reader) {
        reader.failed(new IllegalStateException("the FTP state machine is written to, never read"));
    }

    @Override
    public void close(boolean abort) {
        // nothing of its own to close
    }

    @Override
    public void ended(Pump pump) {
        // the end came through shutdownOutput
    }

    @Override
    public void failed(Pump pump, boolean atSource, Throwable cause) {
        reactor.runHere(() -> failed.accept(pump, cause));
    }
}
