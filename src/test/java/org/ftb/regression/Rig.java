package org.ftb.regression;

import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPConnectionClosedException;
import org.ftb.address.HostPort;
import org.ftb.auth.UserDirectory;
import org.ftb.config.GatewaySettings;
import org.ftb.gateway.Gateway;
import org.ftb.message.MessageLog;
import org.ftb.rules.DestinationPattern;
import org.ftb.rules.PortRange;
import org.ftb.testing.LogCapture;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestTextFiles;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What the fault tests share: the embedded gateway, a broker with one FTPTUNNEL rule through it, an
 * FTP client through the broker's SOCKS port, and the audit records.
 */
final class Rig {
    static final String USER = "job1";
    static final String PASSWORD = "fault-Pa55word";

    private Rig() {
    }

    /** The gateway's users file with {@link #USER}. */
    static Path usersFile(Path dir) throws IOException {
        Path users = dir.resolve("gateway-users");
        if (!Files.exists(users)) {
            Files.write(users, List.of(UserDirectory.entry(USER, PASSWORD.toCharArray(), 10_000)));
        }
        return users;
    }

    /** {@code ftb gateway} in this JVM on an ephemeral loopback port, permitting every port of 127.0.0.1. */
    static Gateway gateway(Path dir) throws Exception {
        Path users = usersFile(dir);
        return Gateway.start(new GatewaySettings(new HostPort("127.0.0.1", 0), dir.resolve("gateway-hostkey"), Optional.of(users),
                Optional.of(UserDirectory.read(users, TestTextFiles.UTF8)), Optional.empty(),
                GatewaySettings.DEFAULT_MAX_AUTH_TRIES, List.of(new GatewaySettings.Permit(DestinationPattern.parse("127.0.0.1").orElseThrow(), PortRange.ALL)), TestTextFiles.UTF8),
                new MessageLog(LoggerFactory.getLogger("ftb")));
    }

    /**
     * A broker with an FTPTUNNEL rule for 127.0.0.1:ftpPort through the SSH host at 127.0.0.1:sshPort.
     *
     * @param brokerStatement a BROKER statement (such as {@code BROKER IDLETIMEOUT(5)}) or ""
     * @param hostKeyLine     a known_hosts line for the SSH host as the broker reaches it
     */
    static TestBroker broker(Path dir, String brokerStatement, String hostKeyLine, int sshPort, int ftpPort) throws Exception {
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, hostKeyLine + "\n");
        return TestBroker.start(brokerStatement + "\n"
                + "SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + sshPort + ") KNOWNHOSTS('" + knownHosts + "')\n"
                + "RULE NAME(FTP) DEST(127.0.0.1) PORTS(" + ftpPort + ") ACTION(FTPTUNNEL) VIA(GW)\n");
    }

    /** A known_hosts line of one port rewritten for another (the port of a proxy in front of the SSH host). */
    static String forPort(String knownHostsLine, int realPort, int port) {
        return knownHostsLine.replace("]:" + realPort + " ", "]:" + port + " ");
    }

    /** An FTP client connected through the broker's SOCKS port to 127.0.0.1:ftpPort, not yet logged in. */
    static FtpClient connect(TestBroker broker, int ftpPort) throws IOException {
        FtpClient client = new FtpClient();
        client.setProxy(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", broker.port())));
        client.setConnectTimeout(15_000);
        client.setDefaultTimeout(30_000);
        client.setDataTimeout(Duration.ofSeconds(30));
        client.connect("127.0.0.1", ftpPort);
        return client;
    }

    /** Connected and logged in, passive, binary. */
    static FtpClient login(TestBroker broker, int ftpPort) throws IOException {
        FtpClient client = connect(broker, ftpPort);
        if (!client.login(USER, PASSWORD)) {
            String reply = client.getReplyString();
            client.disconnect();
            throw new AssertionError("login through the broker failed: " + reply);
        }
        client.enterLocalPassiveMode();
        if (!client.setFileType(FTPClient.BINARY_FILE_TYPE)) {
            throw new AssertionError("TYPE I failed: " + client.getReplyString());
        }
        return client;
    }

    /**
     * What the control connection says once a transfer's data connection is done: the reply text, or
     * how it ended without one ("closed without a reply (...)" / "reset: ..." / "error: ...").
     */
    static String completion(FTPClient client) {
        return reply(client, () -> {
            client.completePendingCommand();
            return client.getReplyString().strip();
        });
    }

    /** The next reply on the control connection, or how it ended without one (as {@link #completion}). */
    static String nextReply(FTPClient client) {
        return reply(client, () -> {
            client.getReply();
            return client.getReplyString().strip();
        });
    }

    private interface ReplyRead {
        String read() throws IOException;
    }

    private static String reply(FTPClient client, ReplyRead read) {
        try {
            return read.read();
        } catch (FTPConnectionClosedException e) {
            // Commons Net throws on 421 after reading it, and on end of stream without a reply.
            return String.valueOf(e.getMessage()).contains("421") ? client.getReplyString().strip()
                    : "closed without a reply (" + e.getMessage() + ")";
        } catch (SocketException e) {
            return String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("reset")
                    ? "reset: " + e.getMessage() : "error: " + e;
        } catch (IOException e) {
            return "error: " + e;
        }
    }

    /** The size of the chunks {@link #send} writes. */
    static final int CHUNK_BYTES = 64 * 1024;

    /** Writes {@code chunks} chunks of {@link #CHUNK_BYTES} zero bytes to an upload's data connection. */
    static void send(Socket data, int chunks) throws IOException {
        byte[] chunk = new byte[CHUNK_BYTES];
        for (int i = 0; i < chunks; i++) {
            data.getOutputStream().write(chunk);
        }
        data.getOutputStream().flush();
    }

    /** The audit record of the (only) FTP control connection, if it has ended. */
    static Optional<String> controlRecord(LogCapture log) {
        return log.withId("FTB0200I").stream().filter(l -> l.contains("action=FTPTUNNEL")).reduce((a, b) -> b);
    }

    /** The audit records of data connections that have ended. */
    static List<String> dataRecords(LogCapture log) {
        return log.withId("FTB0200I").stream().filter(l -> l.contains("action=FTPDATA(")).toList();
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Commons Net's client with its control socket and raw data connections within the test's reach. */
    static final class FtpClient extends FTPClient {
        /** The control connection's socket, to reset it. */
        Socket controlSocket() {
            return _socket_;
        }

        /** Sends PASV/EPSV, connects the data connection through SOCKS, sends the command and awaits its 1xx reply. */
        Socket openData(String command, String argument) throws IOException {
            Socket data = _openDataConnection_(command, argument);
            if (data == null) {
                throw new IOException(command + " " + argument + " refused: " + getReplyString());
            }
            return data;
        }
    }
}
