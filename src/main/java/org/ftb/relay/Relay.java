package org.ftb.relay;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Two {@link Pump}s between a client and a server endpoint, one each way, with one outcome: it ends
 * cleanly when both directions have ended cleanly; when either breaks, both endpoints are closed at
 * once as broken, so that neither peer takes a broken relay for a finished one.
 */
public final class Relay implements Pump.Listener {
    /** Which end broke. */
    public enum Side { CLIENT, SERVER }

    /** How the relay ended; called once, on any thread. */
    public interface Outcome {
        void ended();

        void broke(Side side, Throwable cause);
    }

    private final Endpoint client;
    private final Endpoint server;
    private final Pump up;
    private final Pump down;
    private final Outcome outcome;
    private final AtomicBoolean over = new AtomicBoolean();

    /**
     * @param upTotal   broker-wide counter of bytes delivered client to server
     * @param downTotal broker-wide counter of bytes delivered server to client
     */
    public Relay(Endpoint client, Endpoint server, AtomicLong upTotal, AtomicLong downTotal, LongSupplier clock, Outcome outcome) {
        this.client = client;
        this.server = server;
        this.outcome = outcome;
        this.up = new Pump(client, server, upTotal, clock, this);
        this.down = new Pump(server, client, downTotal, clock, this);
    }

    /** Starts both directions; {@code pipelined} holds client bytes that came before the relay. */
    public void start(ByteBuffer pipelined) {
        down.start(ByteBuffer.allocate(0));
        up.start(pipelined);
    }

    /** Bytes delivered to the server. */
    public long up() {
        return up.delivered();
    }

    /** Bytes delivered to the client. */
    public long down() {
        return down.delivered();
    }

    public long lastActivityNanos() {
        return Math.max(up.lastActivityNanos(), down.lastActivityNanos());
    }

    /**
     * Closes both ends; {@code abort} ends them as broken ({@link Endpoint#closeBroken}). The outcome is
     * not reported: the caller knows it.
     */
    public void close(boolean abort) {
        over.set(true);
        if (abort) {
            client.closeBroken();
            server.closeBroken();
        } else {
            client.close(false);
            server.close(false);
        }
    }

    @Override
    public void ended(Pump pump) {
        if (up.stopped() && down.stopped() && over.compareAndSet(false, true)) {
            outcome.ended();
            client.close(false);
            server.close(false);
        }
    }

    @Override
    public void failed(Pump pump, boolean atSource, Throwable cause) {
        if (over.compareAndSet(false, true)) {
            // The outcome first: its owner records why before either peer can see the reset and act on it.
            boolean clientBroke = (pump == up) == atSource;
            outcome.broke(clientBroke ? Side.CLIENT : Side.SERVER, cause);
            (clientBroke ? client : server).close(true);
            (clientBroke ? server : client).closeBroken();
        }
    }
}
