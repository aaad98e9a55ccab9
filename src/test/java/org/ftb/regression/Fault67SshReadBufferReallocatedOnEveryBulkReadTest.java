package org.ftb.regression;

import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.common.future.SshFutureListener;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoReadFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.ftb.relay.Endpoint;
import org.ftb.relay.ReadSize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Constructor;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fault 67: the SSH side of ReadSize (DirectTcpipStream.read) asks ReadSize with MINA's
 * {@code Buffer.capacity()}, which for a ByteArrayBuffer is the room <em>left</em> after the read
 * ({@code data.length - wpos}), not the buffer's size. So {@code ReadSize.next(8192 - n, n)} and
 * {@code ReadSize.next(65536 - n, n)}:
 * <ul>
 * <li>any read of 4 KiB or more into the 8 KiB buffer switches to 64 KiB, though it did not fill it;</li>
 * <li>every read of 32 KiB or more into the 64 KiB buffer throws that buffer away and allocates a new
 * 64 KiB one, so a bulk download (OpenSSH's 32 KiB packets, reads of 32-64 KiB) allocates a fresh
 * 64 KiB array per read: the garbage rate equals the transfer rate, against ReadSize's "one buffer
 * per direction" and the CPU-per-GB target (young collections under a 32 MiB -Xms).</li>
 * </ul>
 * SocketEndpoint, which asks with {@code ByteBuffer.capacity()}, does it right.
 *
 * <p>Attack: any download through an SSH tunnel; here the channel's async output is a fake that hands
 * DirectTcpipStream reads of chosen sizes, as MINA's ChannelAsyncInputStream does.
 *
 * <p>Correct: a connection keeps its 8 KiB buffer until a read fills it, then keeps one 64 KiB buffer
 * for every later read.
 */
@Timeout(60)
class Fault67SshReadBufferReallocatedOnEveryBulkReadTest {

    @Test
    void bulkReadsReuseOneLargeBuffer() throws Exception {
        List<ByteBuffer> reads = readAll(ReadSize.SMALL, 40_000, 40_000, 65_536, 50_000);
        assertThat(reads.get(0).capacity()).isEqualTo(ReadSize.SMALL);
        byte[] large = reads.get(1).array();
        assertThat(large).hasSize(ReadSize.LARGE);
        for (ByteBuffer read : reads.subList(2, reads.size())) {
            assertThat(read.array()).as("the 64 KiB read buffer of a bulk transfer is kept, not allocated again per read")
                    .isSameAs(large);
        }
    }

    @Test
    void aReadThatDoesNotFillTheSmallBufferKeepsIt() throws Exception {
        List<ByteBuffer> reads = readAll(5_000, 5_000, 100);
        assertThat(reads).allSatisfy(read -> assertThat(read.array()).as("a read of 5,000 bytes does not fill 8 KiB")
                .isSameAs(reads.get(0).array()).hasSize(ReadSize.SMALL));
    }

    /** Reads through a DirectTcpipStream whose channel hands out reads of {@code sizes}; what each read delivered. */
    private static List<ByteBuffer> readAll(int... sizes) throws Exception {
        Deque<Integer> chunks = new ArrayDeque<>();
        for (int size : sizes) {
            chunks.add(size);
        }
        IoInputStream fake = new FakeAsyncOut(chunks);
        ChannelDirectTcpip channel = new ChannelDirectTcpip(new SshdSocketAddress("127.0.0.1", 1), new SshdSocketAddress("127.0.0.1", 2)) {
            @Override
            public IoInputStream getAsyncOut() {
                return fake;
            }
        };
        Endpoint stream = directTcpipStream(channel);
        List<ByteBuffer> delivered = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            stream.read(new Endpoint.Reader() {
                @Override
                public void received(ByteBuffer data) {
                    delivered.add(data);
                }

                @Override
                public void ended() {
                    throw new AssertionError("ended");
                }

                @Override
                public void failed(Throwable cause) {
                    throw new AssertionError(cause);
                }
            });
        }
        assertThat(delivered).hasSize(sizes.length);
        for (int i = 0; i < sizes.length; i++) {
            assertThat(delivered.get(i).remaining()).isEqualTo(sizes[i]);
        }
        return delivered;
    }

    private static Endpoint directTcpipStream(ChannelDirectTcpip channel) throws Exception {
        Class<?> type = Class.forName("org.ftb.ssh.DirectTcpipStream");
        Constructor<?> constructor = type.getDeclaredConstructors()[0];
        constructor.setAccessible(true);
        Runnable onClose = () -> {
        };
        return (Endpoint) constructor.newInstance(channel, "via TEST", onClose, null);
    }

    /** Completes each read at once with the next chunk's size in bytes, as far as the buffer has room. */
    private static final class FakeAsyncOut implements IoInputStream {
        private final Deque<Integer> chunks;

        FakeAsyncOut(Deque<Integer> chunks) {
            this.chunks = chunks;
        }

        @Override
        public IoReadFuture read(Buffer buffer) {
            int n = Math.min(chunks.remove(), buffer.capacity());
            buffer.putRawBytes(new byte[n]);
            return (IoReadFuture) Proxy.newProxyInstance(IoReadFuture.class.getClassLoader(), new Class<?>[] {IoReadFuture.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getBuffer" -> buffer;
                        case "getRead" -> n;
                        case "getException" -> null;
                        case "isDone" -> true;
                        case "addListener" -> {
                            @SuppressWarnings("unchecked")
                            SshFutureListener<IoReadFuture> listener = (SshFutureListener<IoReadFuture>) args[0];
                            listener.operationComplete((IoReadFuture) proxy);
                            yield proxy;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "completed read of " + n;
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        @Override
        public boolean isClosed() {
            return false;
        }

        @Override
        public boolean isClosing() {
            return false;
        }

        @Override
        public org.apache.sshd.common.future.CloseFuture close(boolean immediately) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void addCloseFutureListener(SshFutureListener<org.apache.sshd.common.future.CloseFuture> listener) {
        }

        @Override
        public void removeCloseFutureListener(SshFutureListener<org.apache.sshd.common.future.CloseFuture> listener) {
        }
    }
}
