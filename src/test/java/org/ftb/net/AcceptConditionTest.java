package org.ftb.net;

import org.ftb.message.MessageLog;
import org.ftb.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a listener whose accept fails says, on a real listening socket (the failures are told to the
 * condition as an acceptor would): FTB0013A once, FTB0014I when an accept finds no client left waiting
 * (with none waiting too), FTB0021I when it is closed while failing, and nothing once closed.
 */
@Timeout(30)
class AcceptConditionTest {
    private static final IOException OUT_OF_DESCRIPTORS = new IOException("Too many open files");

    private final MessageLog messages = new MessageLog(LoggerFactory.getLogger("ftb"));
    private final List<SocketChannel> taken = new ArrayList<>();
    private ServerSocketChannel listener;
    private LogCapture log;

    @BeforeEach
    void listen() throws IOException {
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        listener.configureBlocking(false);
        log = new LogCapture();
    }

    @AfterEach
    void close() throws IOException {
        log.close();
        for (SocketChannel channel : taken) {
            channel.close();
        }
        listener.close();
    }

    @Test
    void aFailureIsSaidOnceAndClearsWhenAnAcceptFindsNoClientWaiting() throws Exception {
        AcceptCondition condition = new AcceptCondition(listener, "127.0.0.1:1080", messages);
        condition.failed(OUT_OF_DESCRIPTORS);
        condition.failed(OUT_OF_DESCRIPTORS);
        assertThat(log.lines()).containsExactly("FTB0013A Listener 127.0.0.1:1080 cannot accept connections: "
                + "java.io.IOException: Too many open files; clients cannot connect through it until this clears");

        condition.acceptWaiting(taken::add);
        assertThat(taken).isEmpty();
        assertThat(log.withId("FTB0014I")).containsExactly("FTB0014I Listener 127.0.0.1:1080 accepts connections again");
        condition.acceptWaiting(taken::add);
        assertThat(log.withId("FTB0014I")).as("said when it clears, not per accept").hasSize(1);
    }

    @Test
    void aClientWaitingIsTakenAndThenItClears() throws Exception {
        AcceptCondition condition = new AcceptCondition(listener, "127.0.0.1:1080", messages);
        condition.failed(OUT_OF_DESCRIPTORS);
        try (Socket client = connect()) {
            awaitWaiting();
            condition.acceptWaiting(taken::add);
            assertThat(taken).hasSize(1);
            assertThat(log.withId("FTB0014I")).hasSize(1);
        }
    }

    @Test
    void closedWhileFailingTheConditionEndsWithTheListener() throws Exception {
        AcceptCondition condition = new AcceptCondition(listener, "ftb ctl /run/ftb/broker", messages);
        condition.failed(OUT_OF_DESCRIPTORS);
        condition.closed();
        condition.closed();
        condition.failed(OUT_OF_DESCRIPTORS);
        try (Socket client = connect()) {
            condition.acceptWaiting(taken::add);
        }
        assertThat(taken).as("no client taken once closed").isEmpty();
        assertThat(log.lines()).hasSize(2).last().isEqualTo(
                "FTB0021I Listener ftb ctl /run/ftb/broker is closed by the stop: the condition of FTB0013A ends with it");
    }

    @Test
    void closedWhileAcceptingSaysNothing() throws Exception {
        AcceptCondition condition = new AcceptCondition(listener, "127.0.0.1:1080", messages);
        condition.acceptWaiting(taken::add);
        condition.closed();
        assertThat(log.lines()).isEmpty();
    }

    private Socket connect() throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), ((InetSocketAddress) listener.getLocalAddress()).getPort());
    }

    /** Returns when a client waits to be accepted. */
    private void awaitWaiting() throws IOException {
        try (Selector selector = Selector.open()) {
            listener.register(selector, SelectionKey.OP_ACCEPT);
            assertThat(selector.select(10_000)).as("a client waits").isOne();
        }
    }
}
