package org.ftb.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/** A relay between two sockets: two {@link Flow}s, one each way. */
final class SocketRelay implements Relay {
    private final SocketChannel upstream;
    private final Flow up;
    private final Flow down;
    private final Relay.Owner owner;

    SocketRelay(SocketChannel client, SocketChannel upstream, Counters counters, AtomicLong bytesUp, AtomicLong bytesDown,
                Relay.Owner owner) {
        this.upstream = upstream;
        this.owner = owner;
        this.up = new Flow(client, upstream, bytesUp, counters.bytesUp);
        this.down = new Flow(upstream, client, bytesDown, counters.bytesDown);
    }

    @Override
    public void begin(ByteBuffer pipelined) throws IOException {
        up.begin(pipelined);
    }

    @Override
    public void clientReady(SelectionKey key) throws IOException {
        if (key.isWritable()) {
            down.drain();
        }
        if (key.isValid() && key.isReadable() && up.read()) {
            owner.activity();
        }
    }

    @Override
    public void upstreamReady(SelectionKey key) throws IOException {
        if (key.isWritable()) {
            up.drain();
        }
        if (key.isValid() && key.isReadable() && down.read()) {
            owner.activity();
        }
    }

    @Override
    public int clientInterest() {
        return (up.wantsRead() ? SelectionKey.OP_READ : 0) | (down.wantsWrite() ? SelectionKey.OP_WRITE : 0);
    }

    @Override
    public int upstreamInterest() {
        return (down.wantsRead() ? SelectionKey.OP_READ : 0) | (up.wantsWrite() ? SelectionKey.OP_WRITE : 0);
    }

    @Override
    public boolean finished() {
        return up.finished() && down.finished();
    }

    @Override
    public void close(boolean abort) {
        ClientSession.close(upstream, abort);
    }
}
