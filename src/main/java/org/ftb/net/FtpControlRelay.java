package org.ftb.net;

import org.ftb.ftp.FtpCommand;
import org.ftb.ftp.FtpCommandReader;
import org.ftb.ftp.FtpReply;
import org.ftb.ftp.FtpReplyReader;
import org.ftb.ftp.PassiveReply;
import org.ftb.message.Msg;
import org.ftb.ssh.Credentials;
import org.ftb.ssh.TunnelFailure;
import org.ftb.ssh.TunnelStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The FTP control connection of an FTPTUNNEL rule with AUTH(FTPLOGIN). The broker greets the client
 * itself, takes USER and PASS, logs in to the SSH host with them, opens a tunnel to the FTP server,
 * replays the login there and from then on relays the dialogue, reading every line: passive replies
 * are rewritten to the broker's data listener, active mode and TLS are refused with clear replies.
 * All state belongs to the session's reactor thread.
 */
final class FtpControlRelay implements Relay {
    private static final int READ_BUFFER = 16 * 1024;
    /** Bytes queued towards one side before the other side is no longer read. */
    private static final int HIGH_WATER = 256 * 1024;

    private enum Stage { USER, PASS, LOGIN, RELAY, CLOSING }

    /** Where the control connection goes and what it needs from its session. */
    record Target(String tag, String host, int port, String sshHost, String rule, String clientIp, int clientPort,
                  boolean plainFallback, boolean sshHostIsFtpHost, java.util.Optional<String> sshUser) {
    }

    private final SocketChannel client;
    private final Reactor reactor;
    private final SocksServer server;
    private final Relay.Owner owner;
    private final Target target;
    private final java.util.concurrent.atomic.AtomicLong bytesUp;
    private final java.util.concurrent.atomic.AtomicLong bytesDown;
    private final FtpCommandReader commands = new FtpCommandReader();
    private final FtpReplyReader replies = new FtpReplyReader();
    private final Deque<FtpCommand> queued = new ArrayDeque<>();
    private final Deque<ByteBuffer> toClient = new ArrayDeque<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER);
    private final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
    private Stage stage = Stage.USER;
    private String user = "";
    private char[] password;
    private TunnelStream tunnel;
    private boolean serverWriting;
    private boolean tunnelReading;
    private boolean clientEnded;
    private boolean tunnelEnded;
    /** Login replay: the replies still expected from the server, in order. */
    private LoginStep login;
    private boolean plaintext;
    private final java.util.concurrent.atomic.AtomicLong dataBytes = new java.util.concurrent.atomic.AtomicLong();
    private volatile int transfers;

    private enum LoginStep { GREETING, USER, PASS }

    FtpControlRelay(SocketChannel client, Reactor reactor, SocksServer server, Target target,
                    java.util.concurrent.atomic.AtomicLong bytesUp, java.util.concurrent.atomic.AtomicLong bytesDown, Relay.Owner owner) {
        this.client = client;
        this.reactor = reactor;
        this.server = server;
        this.target = target;
        this.bytesUp = bytesUp;
        this.bytesDown = bytesDown;
        this.owner = owner;
    }

    /**
     * AUTH(KEY): the tunnel is already open with the SSH host's key, so the dialogue is relayed from
     * the server's greeting on, still reading every line.
     */
    static FtpControlRelay overOpenTunnel(SocketChannel client, Reactor reactor, SocksServer server, Target target,
                                          java.util.concurrent.atomic.AtomicLong bytesUp, java.util.concurrent.atomic.AtomicLong bytesDown,
                                          Relay.Owner owner, TunnelStream tunnel) {
        FtpControlRelay relay = new FtpControlRelay(client, reactor, server, target, bytesUp, bytesDown, owner);
        relay.tunnel = tunnel;
        relay.stage = Stage.RELAY;
        return relay;
    }

    /** The FTP user, once given: for the audit record. */
    String ftpUser() {
        return user;
    }

    @Override
    public void begin(ByteBuffer pipelined) throws IOException {
        if (tunnel == null) {
            reply(220, "FTP Tunnel Broker ready: log in to reach " + target.host() + " through SSH host " + target.sshHost());
        } else {
            readTunnel();
        }
        if (pipelined.hasRemaining()) {
            byte[] bytes = new byte[pipelined.remaining()];
            pipelined.get(bytes);
            takeFromClient(bytes, bytes.length);
        }
    }

    // ---- client side ----

    @Override
    public void clientReady(SelectionKey key) throws IOException {
        if (key.isWritable()) {
            flushClient();
        }
        if (key.isValid() && key.isReadable() && wantsClientRead()) {
            readBuffer.clear();
            int n = client.read(readBuffer);
            if (n < 0) {
                clientEnded = true;
                if (tunnel != null && stage == Stage.RELAY) {
                    flushServer();
                    tunnel.shutdownOutput();
                } else {
                    stage = Stage.CLOSING;
                }
            } else if (n > 0) {
                owner.activity();
                takeFromClient(readBuffer.array(), n);
            }
        }
    }

    private boolean wantsClientRead() {
        return !clientEnded && stage != Stage.LOGIN && stage != Stage.CLOSING && toServer.size() < HIGH_WATER;
    }

    private void takeFromClient(byte[] data, int length) throws IOException {
        bytesUp.addAndGet(length);
        server.counters().bytesUp.addAndGet(length);
        try {
            queued.addAll(commands.feed(data, 0, length));
        } catch (FtpCommandReader.LineTooLong e) {
            reply(500, "Command line too long; closing");
            stage = Stage.CLOSING;
            return;
        }
        processCommands();
    }

    private void processCommands() throws IOException {
        while (!queued.isEmpty() && stage != Stage.LOGIN && stage != Stage.CLOSING) {
            command(queued.poll());
        }
        flushServer();
    }

    private void command(FtpCommand c) throws IOException {
        switch (c.verb()) {
            case "AUTH", "PBSZ", "PROT", "CCC" -> {
                if (c.verb().equals("AUTH")) {
                    server.messages().log(Msg.FTB0236I, target.tag(), "AUTH " + c.argument(),
                            "the broker must read the control connection; the SSH tunnel already encrypts it");
                }
                reply(534, "AUTH TLS/SSL is refused here: the FTP Tunnel Broker must read the control connection, "
                        + "and the SSH tunnel already encrypts the session");
                return;
            }
            case "PORT", "EPRT", "LPRT" -> {
                server.messages().log(Msg.FTB0236I, target.tag(), c.verb(), "active mode is not available through the broker");
                reply(502, "Active mode (" + c.verb() + ") is not available through the FTP Tunnel Broker; use passive mode "
                        + "(PASV/EPSV; z/OS FTP: FWFRIENDLY TRUE)");
                return;
            }
            case "QUIT" -> {
                if (stage != Stage.RELAY) {
                    reply(221, "Goodbye");
                    stage = Stage.CLOSING;
                    return;
                }
            }
            default -> {
                // relayed or handled by stage below
            }
        }
        switch (stage) {
            case USER -> {
                if (c.verb().equals("USER") && !c.argument().isBlank()) {
                    user = c.argument().strip();
                    stage = Stage.PASS;
                    reply(331, "Password required for " + user);
                } else {
                    reply(530, "Please log in with USER and PASS");
                }
            }
            case PASS -> {
                if (c.verb().equals("PASS")) {
                    password = c.argument().toCharArray();
                    startLogin();
                } else if (c.verb().equals("USER")) {
                    stage = Stage.USER;
                    command(c);
                } else {
                    reply(503, "Send PASS next");
                }
            }
            case RELAY -> {
                if (c.verb().equals("USER")) {
                    user = c.argument().strip();
                }
                toServer.writeBytes(c.raw());
            }
            default -> throw new IllegalStateException("command in stage " + stage);
        }
    }

    private void reply(int code, String text) throws IOException {
        sendToClient(FtpReply.of(code, text).raw());
    }

    private void sendToClient(byte[] bytes) throws IOException {
        bytesDown.addAndGet(bytes.length);
        server.counters().bytesDown.addAndGet(bytes.length);
        toClient.add(ByteBuffer.wrap(bytes));
        flushClient();
    }

    private void flushClient() throws IOException {
        while (!toClient.isEmpty()) {
            ByteBuffer head = toClient.peek();
            client.write(head);
            if (head.hasRemaining()) {
                return;
            }
            toClient.poll();
        }
        if (tunnel != null && !tunnelReading && !tunnelEnded && stage != Stage.CLOSING) {
            readTunnel();
        }
        if (tunnelEnded && !client.socket().isOutputShutdown()) {
            client.shutdownOutput();
        }
    }

    // ---- login ----

    private void startLogin() {
        stage = Stage.LOGIN;
        Credentials credentials = new Credentials.Password(user, password);
        CompletableFuture<CompletableFuture<TunnelStream>> opening = new CompletableFuture<>();
        try {
            server.workers().execute(() -> opening.complete(server.tunnels().open(target.sshHost(), credentials, target.host(),
                    target.port(), target.clientIp(), target.clientPort())));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            opening.completeExceptionally(e);
        }
        whenConnected(opening.thenCompose(f -> f), this::loginFailed);
    }

    /** A step that handles a failure and may write to the client. */
    @FunctionalInterface
    private interface FailureStep {
        void handle(Throwable cause) throws IOException;
    }

    /**
     * Once the way to the FTP server is open (a tunnel, or a plaintext connection), replays the login
     * over it on the reactor thread; a connection that opens after the login was abandoned is closed.
     */
    private void whenConnected(CompletableFuture<TunnelStream> opening, FailureStep failed) {
        opening.whenComplete((stream, error) -> reactor.execute(() -> {
            if (stage != Stage.LOGIN) {
                if (stream != null) {
                    stream.close(true);
                }
                return;
            }
            try {
                if (error != null) {
                    failed.handle(error instanceof CompletionException ? error.getCause() : error);
                } else {
                    tunnel = stream;
                    login = LoginStep.GREETING;
                    readTunnel();
                }
            } catch (IOException e) {
                owner.failed(e);
                return;
            }
            owner.changed();
        }));
    }

    private void loginFailed(Throwable error) throws IOException {
        TunnelFailure failure = error instanceof TunnelFailure f ? f
                : new TunnelFailure(TunnelFailure.Kind.OTHER, String.valueOf(error.getMessage()), error);
        if (!(failure.kind() == TunnelFailure.Kind.SSH_UNREACHABLE && target.plainFallback())) {
            wipePassword();
        }
        if (failure.kind() == TunnelFailure.Kind.LOGIN_REFUSED) {
            server.messages().log(Msg.FTB0233W, target.tag(), user, failure.getMessage());
            reply(530, "Login incorrect: SSH host " + target.sshHost() + " refused user " + user);
            stage = Stage.USER;
            processCommands();
            return;
        }
        if (failure.kind() == TunnelFailure.Kind.SSH_UNREACHABLE && target.plainFallback()) {
            fallBackToPlaintext(failure);
            return;
        }
        server.messages().log(Msg.FTB0234E, target.tag(), target.host() + ":" + target.port(), failure.getMessage());
        reply(421, "Service not available: " + failure.getMessage());
        stage = Stage.CLOSING;
    }

    /**
     * FALLBACK(PLAIN): the SSH host cannot be reached, so the session goes straight to the FTP server,
     * unencrypted, and says so loudly. The password is kept only until it has been replayed.
     */
    private void fallBackToPlaintext(TunnelFailure failure) {
        server.messages().log(Msg.FTB0237W, target.tag(), failure.getMessage(), target.host() + ":" + target.port());
        plaintext = true;
        whenConnected(PlainStream.connect(target.host(), target.port(), reactor, server.workers()), error -> {
            wipePassword();
            server.messages().log(Msg.FTB0234E, target.tag(), target.host() + ":" + target.port(),
                    failure.getMessage() + "; plaintext fallback failed too: " + error.getMessage());
            reply(421, "Service not available: SSH host unreachable and plaintext fallback failed");
            stage = Stage.CLOSING;
        });
    }

    /**
     * The FTP fields of the audit record and DISPLAY: users, transfers, data bytes, and how the last
     * leg to the FTP server travels (over SSH, in clear text from the SSH host, or all in plaintext).
     */
    String details() {
        String lastLeg = plaintext ? "PLAINTEXT" : target.sshHostIsFtpHost() ? "ssh" : "CLEAR-from-" + target.sshHost();
        return "ftpuser=" + (user.isEmpty() ? "-" : org.ftb.socks.SocksServerHandshake.printable(user).replace(' ', '_'))
                + " sshuser=" + (plaintext ? "-" : target.sshUser().orElse(user.isEmpty() ? "-" : user).replace(' ', '_'))
                + " transfers=" + transfers + " databytes=" + dataBytes.get() + " lastleg=" + lastLeg;
    }

    private void wipePassword() {
        if (password != null) {
            Arrays.fill(password, '\0');
            password = null;
        }
    }

    /** Replies during the login replay: greeting, then USER, then PASS; the last one goes to the client. */
    private void loginReply(FtpReply r) throws IOException {
        if (r.code() / 100 == 1) {
            return; // "ready in n minutes" and the like: wait for the next reply
        }
        switch (login) {
            case GREETING -> {
                if (r.code() != 220) {
                    endLogin(r);
                    return;
                }
                login = LoginStep.USER;
                writeServer(FtpCommand.of("USER", user).raw());
            }
            case USER -> {
                if (r.code() == 331) {
                    login = LoginStep.PASS;
                    writeServer(FtpCommand.of("PASS", new String(password)).raw());
                    wipePassword();
                } else {
                    endLogin(r);
                }
            }
            case PASS -> endLogin(r);
        }
    }

    private void endLogin(FtpReply r) throws IOException {
        wipePassword();
        login = null;
        sendToClient(r.raw());
        if (r.code() == 230 || r.code() == 332) {
            server.messages().log(Msg.FTB0230I, target.tag(), user, target.host() + ":" + target.port(), tunnel.describe());
            stage = Stage.RELAY;
            processCommands();
        } else {
            server.messages().log(Msg.FTB0233W, target.tag(), user, "the FTP server answered " + r.code() + " " + r.text());
            tunnel.close(false);
            tunnel = null;
            stage = r.code() == 421 ? Stage.CLOSING : Stage.USER;
            processCommands();
        }
    }

    // ---- server side ----

    private void readTunnel() {
        tunnelReading = true;
        TunnelStream stream = tunnel;
        stream.read((data, offset, length) -> {
            byte[] copy = length < 0 ? null : Arrays.copyOfRange(data, offset, offset + length);
            reactor.execute(() -> {
                tunnelReading = false;
                if (tunnel != stream) {
                    return;
                }
                try {
                    fromServer(copy);
                } catch (IOException e) {
                    owner.failed(e);
                    return;
                }
                owner.changed();
            });
        }, cause -> reactor.execute(() -> owner.failed(cause)));
    }

    private void fromServer(byte[] data) throws IOException {
        if (data == null) {
            tunnelEnded = true;
            if (login != null) {
                reply(421, "The FTP server closed the connection during login");
                stage = Stage.CLOSING;
            }
            flushClient();
            return;
        }
        owner.activity();
        List<FtpReply> got;
        try {
            got = replies.feed(data, 0, data.length);
        } catch (FtpReplyReader.MalformedReply e) {
            server.messages().log(Msg.FTB0235W, target.tag(), target.host(), e.getMessage());
            owner.failed(e);
            return;
        }
        for (FtpReply r : got) {
            if (login != null) {
                loginReply(r);
            } else {
                if (r.code() == 150 || r.code() == 125) {
                    transfers++;
                }
                sendToClient(rewrite(r).raw());
            }
        }
        flushClient();
    }

    /** Points passive replies at the broker's data listener; everything else passes unchanged. */
    private FtpReply rewrite(FtpReply r) throws IOException {
        if (r.code() == 227) {
            var announced = PassiveReply.parse227(r);
            if (announced.isPresent()) {
                int port = announce(announced.get().port(), Set.of(announced.get().address()));
                return PassiveReply.rewrite227(server.dataConnections().address(), port);
            }
        } else if (r.code() == 229) {
            var announced = PassiveReply.parse229(r);
            if (announced.isPresent()) {
                return PassiveReply.rewrite229(announce(announced.get(), Set.of()));
            }
        }
        return r;
    }

    private int announce(int serverPort, Set<String> extraHosts) throws IOException {
        java.util.Set<String> hosts = new java.util.HashSet<>(extraHosts);
        hosts.add(target.host());
        TunnelStream control = tunnel;
        // Data goes only to the control connection's server, whatever address the reply named.
        return server.dataConnections().announce(new DataConnections.Request(target.tag(), target.clientIp(), hosts,
                target.host() + ":" + serverPort, target.rule(), target.sshHost(),
                () -> control.openAlongside(target.host(), serverPort, target.clientIp(), target.clientPort()), dataBytes), reactor);
    }

    private void writeServer(byte[] bytes) throws IOException {
        toServer.writeBytes(bytes);
        flushServer();
    }

    private void flushServer() {
        if (serverWriting || toServer.size() == 0 || tunnel == null) {
            return;
        }
        byte[] bytes = toServer.toByteArray();
        toServer.reset();
        serverWriting = true;
        tunnel.write(bytes, bytes.length, () -> reactor.execute(() -> {
            serverWriting = false;
            flushServer();
            if (clientEnded && toServer.size() == 0 && tunnel != null) {
                tunnel.shutdownOutput();
            }
            owner.changed();
        }), cause -> reactor.execute(() -> owner.failed(cause)));
    }

    @Override
    public int clientInterest() {
        return (wantsClientRead() ? SelectionKey.OP_READ : 0) | (toClient.isEmpty() ? 0 : SelectionKey.OP_WRITE);
    }

    @Override
    public boolean finished() {
        if (stage == Stage.CLOSING) {
            return toClient.isEmpty();
        }
        return clientEnded && tunnelEnded && toClient.isEmpty() && !serverWriting;
    }

    @Override
    public void close(boolean abort) {
        wipePassword();
        server.dataConnections().forget(target.tag());
        if (tunnel != null) {
            tunnel.close(abort);
        }
    }
}
