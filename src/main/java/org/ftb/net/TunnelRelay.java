package org.ftb.net;

import org.ftb.ssh.TunnelStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A relay between the client socket and an SSH tunnel, with back-pressure both ways: the client is
 * read only when the tunnel has taken the previous bytes, and the tunnel is read only when the
 * client has taken the previous bytes. Tunnel callbacks come from SSH threads and are handed to the
 * reactor, which owns all of this state.
 */
final class TunnelRelay implements Relay {
    private static final int BUFFER_SIZE = 64 * 1024;

    private final SocketChannel client;
    private final TunnelStream tunnel;
    private final Executor reactor;
    private final Relay.Owner owner;
    private final AtomicLong bytesUp;
    private final AtomicLong bytesDown;
    private final Counters counters;
    private final ByteBuffer upBuffer = ByteBuffer.allocate(BUFFER_SIZE);
    private boolean upWriting;
    private boolean clientEnded;
    private ByteBuffer downPending;
    private boolean tunnelEnded;

    TunnelRelay(SocketChannel client, TunnelStream tunnel, Executor reactor, Counters counters, AtomicLong bytesUp,
                AtomicLong bytesDown, Relay.Owner owner) {
        this.client = client;
        this.tunnel = tunnel;
        this.reactor = reactor;
        this.counters = counters;
        this.bytesUp = bytesUp;
        this.bytesDown = bytesDown;
        this.owner = owner;
    }

    @Override
    public void begin(ByteBuffer pipelined) {
        if (pipelined.hasRemaining()) {
            upBuffer.put(pipelined);
            sendUp();
        }
        readTunnel();
    }

    @Override
    public void clientReady(SelectionKey key) throws IOException {
        if (key.isWritable() && downPending != null) {
            writeDown();
        }
        if (key.isValid() && key.isReadable() && !clientEnded && !upWriting) {
            int n = client.read(upBuffer);
            if (n < 0) {
                clientEnded = true;
                tunnel.shutdownOutput();
            } else if (n > 0) {
                owner.activity();
                sendUp();
            }
        }
    }

    private void sendUp() {
        int n = upBuffer.position();
        bytesUp.addAndGet(n);
        counters.bytesUp.addAndGet(n);
        upWriting = true;
        tunnel.write(upBuffer.array(), n, () -> reactor.execute(() -> {
            upWriting = false;
            upBuffer.clear();
            owner.changed();
        }), this::failed);
    }

    private void readTunnel() {
        tunnel.read((data, offset, length) -> {
            // The array stays ours until the next read, which is issued only once it is written out.
            reactor.execute(() -> {
                if (length < 0) {
                    tunnelEnded = true;
                    try {
                        client.shutdownOutput();
                    } catch (IOException e) {
                        owner.failed(e);
                        return;
                    }
                } else {
                    owner.activity();
                    bytesDown.addAndGet(length);
                    counters.bytesDown.addAndGet(length);
                    downPending = ByteBuffer.wrap(data, offset, length);
                    try {
                        writeDown();
                    } catch (IOException e) {
                        owner.failed(e);
                        return;
                    }
                }
                owner.changed();
            });
        }, this::failed);
    }

    private void writeDown() throws IOException {
        client.write(downPending);
        if (!downPending.hasRemaining()) {
            downPending = null;
            readTunnel();
        }
    }

    private void failed(Throwable cause) {
        reactor.execute(() -> owner.failed(cause));
    }

    @Override
    public int clientInterest() {
        return (!clientEnded && !upWriting ? SelectionKey.OP_READ : 0) | (downPending != null ? SelectionKey.OP_WRITE : 0);
    }

    @Override
    public boolean finished() {
        return clientEnded && !upWriting && tunnelEnded && downPending == null;
    }

    @Override
    public void close(boolean abort) {
        tunnel.close(abort);
    }
}
