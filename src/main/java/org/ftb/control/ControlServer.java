package org.ftb.control;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.ftb.console.CommandDispatcher;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.message.Notice;
import org.ftb.net.AcceptCondition;
import org.ftb.platform.PrivateFiles;
import org.ftb.platform.SocketOwners;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service's local control endpoint: operator commands from {@code ftb ctl}, carried to the same
 * dispatcher as the other consoles', for the user the service runs as only.
 *
 * <p>The endpoint is a Unix domain socket (JDK 16+) at its path, 0600 in a 0700 directory of that
 * user's; where the peer's credentials can be read (SO_PEERCRED on Linux and macOS), a peer of another
 * user is refused too. Where Java or the system has no Unix domain sockets, the service listens on a
 * loopback TCP port instead, and the path holds a {@link TokenFile} with the port and a token that a
 * client must send first; on Linux a peer's user is also told from /proc/net/tcp, and another user is
 * refused.
 *
 * <p>The protocol is ftb's own, one command per connection, UTF-8 lines ending in LF (a CR before it
 * is dropped): over TCP the token line first, then the command line, at most
 * {@link CommandDispatcher#MAX_TEXT} characters. The service answers the response lines, each
 * printable (see {@link CommandDispatcher#dispatch}), then the line {@link #END}, and closes. A blank
 * command gets {@link #END} alone: that is how a starting service tells a live endpoint from one a
 * crashed service left.
 *
 * <p>Bounded: at most {@link #MAX_CONNECTIONS} connections that have not sent their command yet (one
 * more is refused at once), and as many threads of the endpoint's own (never the broker's reactors)
 * to hear and answer them. A command line must come whole within {@link #REQUEST_TIMEOUT}, the
 * response go within {@link #RESPONSE_TIMEOUT}.
 */
public final class ControlServer implements AutoCloseable {
    /** How the endpoint is made. */
    public enum Transport {
        /** A Unix domain socket where this Java and system have them, else loopback TCP and a token file. */
        AUTO,
        /** Loopback TCP and a token file, what AUTO falls back to: to use that way on any system (tests do). */
        TCP
    }

    /** The line that ends a response: EOT, a control character, which no response line can hold. */
    static final String END = "\u0004";
    /** The UTF-8 bytes of the longest command text: at most 3 per character. */
    static final int MAX_REQUEST = 3 * CommandDispatcher.MAX_TEXT;
    /** Response lines are at most 70 characters; this leaves room for any characters they may hold. */
    static final int MAX_RESPONSE_LINE = 4096;
    static final int MAX_CONNECTIONS = 4;
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);
    /** How long a starting service waits for an endpoint it found to answer a blank command. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    /** How long a refusal may take to send: the acceptor sends the one for too many connections. */
    private static final Duration REFUSAL_TIMEOUT = Duration.ofSeconds(1);
    private static final int BACKLOG = 8;

    /** Another service answers at the endpoint: it already runs with this configuration. */
    public static final class AlreadyRunning extends IOException {
        AlreadyRunning(Path endpoint) {
            super("another service answers at " + endpoint);
        }
    }

    private final Path endpoint;
    private final ServerSocketChannel server;
    private final Optional<TokenFile> token;
    private final Object fileKey;
    private final Owner owner;
    private final CommandDispatcher dispatcher;
    private final MessageLog messages;
    private final ThreadPoolExecutor handlers;
    /**
     * Connections whose command has not come yet, each holding one of the {@link #places}: a stop ends
     * them rather than wait for them.
     */
    private final Set<LineChannel> waiting = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closed = new CountDownLatch(1);
    /** Connections at once that have not sent their command: taken at the accept, given back by {@link #heard}. */
    private final Semaphore places = new Semaphore(MAX_CONNECTIONS);
    /** Whether the endpoint can accept connections, said as a SOCKS listener's is (FTB0013A, FTB0014I, FTB0021I). */
    private final AcceptCondition condition;

    private ControlServer(Path endpoint, ServerSocketChannel server, Optional<TokenFile> token, Owner owner,
                          CommandDispatcher dispatcher, MessageLog messages) throws IOException {
        this.endpoint = endpoint;
        this.server = server;
        this.token = token;
        this.fileKey = Files.readAttributes(endpoint, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        this.owner = owner;
        this.dispatcher = dispatcher;
        this.messages = messages;
        this.condition = new AcceptCondition(server, "ftb ctl " + endpoint, messages);
        AtomicInteger count = new AtomicInteger();
        // The places bound the connections that wait for their thread: at most as many as there are threads.
        this.handlers = new ThreadPoolExecutor(MAX_CONNECTIONS, MAX_CONNECTIONS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "ftb-control-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        handlers.allowCoreThreadTimeOut(true);
        Thread acceptor = new Thread(this::accept, "ftb-control");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Opens the endpoint at {@code path}: makes its directory owner-only, or checks that it is (see
     * {@link PrivateFiles#privateDirectory}), replaces what a service that ended without closing it left
     * there, and logs where it is (FTB0320I, FTB0321I).
     *
     * @throws AlreadyRunning when a live service answers there
     * @throws IOException when it cannot be made (the message says why)
     */
    public static ControlServer open(Path path, Transport transport, CommandDispatcher dispatcher, MessageLog messages)
            throws IOException {
        Path endpoint = path.toAbsolutePath();
        PrivateFiles.privateDirectory(endpoint.getParent());
        Owner owner = Owner.of(endpoint.getParent());
        clearLeftOver(endpoint);
        String fallback = "TCP was asked for";
        if (transport == Transport.AUTO) {
            ServerSocketChannel socket = null;
            try {
                socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            } catch (UnsupportedOperationException | IOException e) {
                fallback = "this Java or system has no Unix domain sockets: " + e.getMessage();
            }
            if (socket != null) {
                try {
                    socket.bind(UnixDomainSocketAddress.of(endpoint), BACKLOG);
                    if (endpoint.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                        Files.setPosixFilePermissions(endpoint, PosixFilePermissions.fromString("rw-------"));
                    }
                    ControlServer control = new ControlServer(endpoint, socket, Optional.empty(), owner, dispatcher, messages);
                    messages.log(Msg.FTB0320I, endpoint, owner.name());
                    return control;
                } catch (IOException | RuntimeException e) {
                    socket.close();
                    throw e;
                }
            }
        }
        ServerSocketChannel tcp = ServerSocketChannel.open();
        try {
            tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
            TokenFile tokenFile = TokenFile.create((InetSocketAddress) tcp.getLocalAddress());
            tokenFile.write(endpoint);
            ControlServer control = new ControlServer(endpoint, tcp, Optional.of(tokenFile), owner, dispatcher, messages);
            messages.log(Msg.FTB0321I, tokenFile.address().getPort(), endpoint, owner.name(), fallback);
            return control;
        } catch (IOException | RuntimeException e) {
            tcp.close();
            throw e;
        }
    }

    /**
     * Removes an endpoint that no service answers at any more, left by one that ended without closing
     * it (a crash, a kill -9).
     */
    private static void clearLeftOver(Path endpoint) throws IOException {
        BasicFileAttributes found;
        try {
            found = Files.readAttributes(endpoint, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!found.isRegularFile() && !found.isOther()) {
            throw new IOException(endpoint + " is " + (found.isDirectory() ? "a directory" : "a symbolic link")
                    + ", not an endpoint a service left; remove it, or name another place");
        }
        if (found.isRegularFile() && !TokenFile.isOne(endpoint)) {
            // CONTROL may name a file by mistake (a key, a configuration): only a token file of ours is ever removed.
            throw new IOException(endpoint + " is a file that is not an ftb ctl token file; remove it, or name another place");
        }
        try {
            ControlClient.send(endpoint, "", PROBE_TIMEOUT);
            throw new AlreadyRunning(endpoint);
        } catch (ControlClient.NoResponse e) {
            // A socket that took the connection is a live service, however slow; a TCP port may be anyone's by now.
            if (found.isOther()) {
                throw new AlreadyRunning(endpoint);
            }
        } catch (ControlClient.NoService e) {
            // Nothing behind it: left over.
        }
        Files.delete(endpoint);
    }

    private void accept() {
        while (closed.getCount() > 0) {
            try {
                take(server.accept(), false);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // Out of file descriptors, for one: said once, and tried again shortly rather than in a tight loop.
                condition.failed(e);
                recover();
            }
        }
    }

    /**
     * Tries the accept again every {@link AcceptCondition#RETRY} until it works, with one that does not
     * wait for a client: a blocking accept would not return while none comes, and the condition would
     * stay on long after the endpoint could accept again. Each try first sets up what a connection needs
     * (a socket and its selector) and lets it go: an accept finding no client waiting proves only that a
     * descriptor was free for it, and the next client would be dropped again for want of its selector.
     */
    private void recover() {
        while (!awaitClose(AcceptCondition.RETRY)) {
            try {
                LineChannel.accepted(SocketChannel.open()).close();
                server.configureBlocking(false);
                try {
                    condition.acceptWaiting(channel -> take(channel, true));
                    return;
                } finally {
                    server.configureBlocking(true);
                }
            } catch (IOException e) {
                condition.failed(e);
            }
        }
    }

    /**
     * Hands a connection accepted to a handler thread, or refuses it when too many wait already.
     *
     * @param waited true for a connection that waited while the endpoint could not accept (FTB0013A): its
     *               client may have given up long ago (ftb ctl waits 30 s), its command still in the
     *               connection's buffer; it is run only if the client is still there (Fault94)
     * @throws IOException when the connection cannot be served (no descriptor left for its selector): it is
     *                     closed unanswered, and the endpoint fails as if its accept had (FTB0013A)
     */
    private void take(SocketChannel channel, boolean waited) throws IOException {
        LineChannel line = LineChannel.accepted(channel);
        if (!places.tryAcquire()) {
            refuse(line, Notice.of(Msg.FTB0326E, identify(channel).who(), MAX_CONNECTIONS), REFUSAL_TIMEOUT);
            line.close();
            return;
        }
        waiting.add(line);
        try {
            handlers.execute(() -> serve(line, waited));
        } catch (RejectedExecutionException e) {
            // Closing: the connection ends unanswered.
            heard(line);
            line.close();
        }
    }

    private void serve(LineChannel line, boolean waited) {
        try (line) {
            answer(line, identify(line.channel()), waited);
        } finally {
            heard(line);
        }
    }

    /**
     * The connection has sent its command, or ended: its place goes to the next. Only connections still
     * to send theirs hold a place, so a client that has its answer finds its place free.
     */
    private void heard(LineChannel line) {
        if (waiting.remove(line)) {
            places.release();
        }
    }

    private void answer(LineChannel line, Peer peer, boolean waited) {
        if (closed.getCount() == 0) {
            return;
        }
        try {
            if (peer.refusal().isPresent()) {
                throw new Refusal(peer.refusal().get());
            }
            Optional<String> text = request(line, peer, System.nanoTime() + REQUEST_TIMEOUT.toNanos());
            heard(line);
            if (text.isEmpty()) {
                return;
            }
            if (waited && line.peerEnded()) {
                // Nobody hears the response, and the operator was told the command may not have run: a
                // STOP or RELOAD now would come out of the blue.
                messages.log(Msg.FTB0328W, peer.who());
                return;
            }
            List<String> response = new ArrayList<>(dispatcher.dispatch(text.get(), "ctl " + peer.who()));
            response.add(END);
            line.writeLines(response, System.nanoTime() + RESPONSE_TIMEOUT.toNanos());
        } catch (Refusal e) {
            refuse(line, e.notice, RESPONSE_TIMEOUT);
        } catch (ClosedChannelException e) {
            // Ended by the stop, or the client went away: nobody is left to answer.
        } catch (IOException e) {
            refuse(line, Notice.of(Msg.FTB0327E, peer.who(), describe(e)), RESPONSE_TIMEOUT);
        } catch (RuntimeException e) {
            refuse(line, Notice.of(Msg.FTB0010E, "an ftb ctl command", String.valueOf(e)), RESPONSE_TIMEOUT);
        }
    }

    /** The command line, after the token where there is one; empty when the client sent nothing. */
    private Optional<String> request(LineChannel line, Peer peer, long deadline) throws IOException {
        if (token.isPresent()) {
            Optional<String> given = line.readLine(MAX_REQUEST, deadline);
            if (given.isEmpty()) {
                return given;
            }
            if (!token.get().accepts(given.get())) {
                throw new Refusal(Notice.of(Msg.FTB0325E, peer.who()));
            }
        }
        return line.readLine(MAX_REQUEST, deadline);
    }

    private static String describe(IOException e) {
        if (e instanceof ProtocolException) {
            return "the command is longer than " + CommandDispatcher.MAX_TEXT + " characters";
        }
        if (e instanceof CharacterCodingException) {
            return "the command is not UTF-8 text";
        }
        if (e instanceof EOFException) {
            return "the connection ended within the command line";
        }
        if (e instanceof SocketTimeoutException) {
            return "no whole command line within " + REQUEST_TIMEOUT.toSeconds() + " s";
        }
        return String.valueOf(e.getMessage());
    }

    /** Logs {@code refusal}, an E message, and sends it as the response, if the client is still there. */
    private void refuse(LineChannel line, Notice refusal, Duration timeout) {
        heard(line);
        messages.log(refusal);
        try {
            line.writeLines(List.of(refusal.text(), END), System.nanoTime() + timeout.toNanos());
            line.discardPending(MAX_REQUEST);
        } catch (IOException e) {
            // The client has gone or does not read: the log has the refusal.
        }
    }

    /** Who is at the other end, as far as the system tells, and why they are refused, if they are. */
    private Peer identify(SocketChannel channel) {
        if (token.isEmpty()) {
            if (!channel.supportedOptions().contains(ExtendedSocketOptions.SO_PEERCRED)) {
                return new Peer("user unknown", Optional.empty());
            }
            try {
                UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
                String who = "user=" + peer.user().getName();
                return new Peer(who, owner.principal().equals(peer.user()) ? Optional.empty()
                        : Optional.of(Notice.of(Msg.FTB0324E, who, owner.name())));
            } catch (IOException e) {
                return new Peer("user unknown", Optional.empty());
            }
        }
        try {
            InetSocketAddress client = (InetSocketAddress) channel.getRemoteAddress();
            OptionalInt uid = owner.sockets().ownerOf(client, (InetSocketAddress) channel.getLocalAddress());
            String who = client.getAddress().getHostAddress() + ":" + client.getPort() + (uid.isPresent() ? " uid=" + Integer.toUnsignedString(uid.getAsInt()) : "");
            boolean other = uid.isPresent() && owner.uid().isPresent() && uid.getAsInt() != owner.uid().getAsInt();
            return new Peer(who, other ? Optional.of(Notice.of(Msg.FTB0324E, who, owner.name())) : Optional.empty());
        } catch (IOException e) {
            return new Peer("peer unknown", Optional.empty());
        }
    }

    /** @return whether the endpoint is closed */
    private boolean awaitClose(Duration timeout) {
        try {
            return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /**
     * Closes the endpoint and removes its file, unless another service has put its own there since.
     * A command being served is answered first; a connection still to send its command is ended.
     */
    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        closed.countDown();
        condition.closed();
        try {
            server.close();
        } catch (IOException e) {
            // Closed all the same: no more connections are taken.
        }
        for (LineChannel line : waiting) {
            try {
                line.abort();
            } catch (IOException e) {
                // Its handler ends on the closed channel all the same.
            }
        }
        handlers.shutdown();
        try {
            handlers.awaitTermination(RESPONSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            BasicFileAttributes now = Files.readAttributes(endpoint, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (fileKey == null || Objects.equals(fileKey, now.fileKey())) {
                Files.delete(endpoint);
            }
        } catch (IOException e) {
            // Gone already; or it stays, and the next start replaces it as left over.
        }
    }

    /** A peer: who it is, for the log, and the refusal it gets, if any. */
    private record Peer(String who, Optional<Notice> refusal) {
    }

    /** A refusal that is the response. */
    private static final class Refusal extends IOException {
        private final transient Notice notice;

        Refusal(Notice notice) {
            super(notice.text());
            this.notice = notice;
        }
    }

    /**
     * The user the service runs as: the owner of the endpoint's directory, which
     * {@link PrivateFiles#privateDirectory} made or found to be this process's user's.
     */
    private record Owner(String name, UserPrincipal principal, OptionalInt uid, SocketOwners sockets) {
        static Owner of(Path directory) throws IOException {
            UserPrincipal principal = Files.getOwner(directory);
            OptionalInt uid;
            try {
                uid = OptionalInt.of((Integer) Files.getAttribute(directory, "unix:uid"));
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                // No "unix" attribute view (not POSIX): peers are told apart by the endpoint's permissions alone.
                uid = OptionalInt.empty();
            }
            return new Owner(principal.getName(), principal, uid, SocketOwners.forThisSystem());
        }
    }
}
