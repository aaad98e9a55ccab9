package org.ftb.control;

import org.ftb.console.CommandDispatcher;
import org.ftb.platform.SocketOwners;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Sends one command to a service's control endpoint and returns its response: what {@code ftb ctl}
 * does. The endpoint file tells the way: a socket is connected to, a token file gives the loopback
 * port and the token to send first (see {@link ControlServer} for the protocol).
 */
public final class ControlClient {
    /** How long a connect may take: a live service accepts at once. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private ControlClient() {
    }

    /** Nothing took the command: no endpoint there, or nothing listening behind it. */
    public static final class NoService extends IOException {
        NoService(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    /** The service took the command, but its response did not come whole: it may or may not have run. */
    public static final class NoResponse extends IOException {
        NoResponse(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    /**
     * Sends {@code text}, at most {@link CommandDispatcher#MAX_TEXT} characters, and waits for the response.
     *
     * @param timeout how long the response may take, from the connect
     * @return the response lines; none for blank text
     * @throws NoService   when nothing answers at {@code endpoint}
     * @throws NoResponse  when the response did not come whole within {@code timeout}
     */
    public static List<String> send(Path endpoint, String text, Duration timeout) throws NoService, NoResponse {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(endpoint, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new NoService("there is no such file", e);
        } catch (IOException e) {
            throw new NoService("it cannot be read (" + e.getMessage() + ")", e);
        }
        List<String> request = new ArrayList<>();
        SocketAddress address;
        if (attributes.isRegularFile()) {
            TokenFile tokenFile;
            try {
                tokenFile = TokenFile.read(endpoint);
            } catch (IOException e) {
                throw new NoService(e.getMessage(), e);
            }
            address = tokenFile.address();
            request.add(tokenFile.token());
        } else if (attributes.isOther()) {
            address = UnixDomainSocketAddress.of(endpoint);
        } else {
            throw new NoService("it is neither a socket nor a token file", null);
        }
        request.add(text);
        long start = System.nanoTime();
        LineChannel line;
        try {
            line = connect(address, start + CONNECT_TIMEOUT.toNanos());
        } catch (IOException e) {
            throw new NoService(describe(e), e);
        }
        try (line) {
            if (attributes.isRegularFile()) {
                ownedLikeTheFile(line, endpoint);
            }
            return exchange(line, request, start + timeout.toNanos());
        }
    }

    /**
     * A TCP port may be anyone's once the service that wrote the token file has ended (a kill -9): where
     * the system tells who listens, it must be the file's owner, or the token is not sent.
     */
    private static void ownedLikeTheFile(LineChannel line, Path endpoint) throws NoService {
        SocketOwners owners = SocketOwners.forThisSystem();
        OptionalInt listener;
        int fileOwner;
        try {
            // The listening socket, not the one this connection made: that may wait unaccepted, with no owner yet.
            InetSocketAddress port = (InetSocketAddress) line.channel().getRemoteAddress();
            listener = owners.ownerOf(port, new InetSocketAddress(InetAddress.getByAddress(new byte[4]), 0));
            if (listener.isEmpty()) {
                listener = owners.ownerOf(port, new InetSocketAddress(InetAddress.getByAddress(new byte[16]), 0));
            }
            fileOwner = (Integer) Files.getAttribute(endpoint, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return; // the system cannot tell: the token file's permissions are all there is
        }
        if (listener.isPresent() && listener.getAsInt() != fileOwner) {
            throw new NoService("its port is another user's (uid " + Integer.toUnsignedString(listener.getAsInt()) + ") now, so the service that wrote it has ended;"
                    + " nothing was sent", null);
        }
    }

    private static LineChannel connect(SocketAddress address, long deadline) throws IOException {
        try {
            return LineChannel.connect(address, deadline);
        } catch (UnsupportedOperationException e) {
            throw new IOException("this Java cannot open Unix domain sockets (" + e.getMessage() + ")", e);
        }
    }

    private static List<String> exchange(LineChannel line, List<String> request, long deadline) throws NoResponse {
        List<String> response = new ArrayList<>();
        IOException unsent = null;
        try {
            line.writeLines(request, deadline);
        } catch (IOException e) {
            // A refusal (too many connections) comes before the request is read: it may be there to read.
            unsent = e;
        }
        try {
            while (true) {
                Optional<String> next = line.readLine(ControlServer.MAX_RESPONSE_LINE, deadline);
                if (next.isEmpty()) {
                    throw new NoResponse("the connection ended before the response did", null);
                }
                if (next.get().equals(ControlServer.END)) {
                    return response;
                }
                response.add(next.get());
            }
        } catch (NoResponse e) {
            throw unsent == null ? e : new NoResponse(describe(unsent), unsent);
        } catch (IOException e) {
            throw new NoResponse(describe(unsent == null ? e : unsent), e);
        }
    }

    private static String describe(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return "no answer in time";
        }
        if (e instanceof ConnectException) {
            return "nothing listens there (" + e.getMessage() + ")";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
