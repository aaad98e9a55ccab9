package org.ftb.testing;

import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.ftplet.FtpException;
import org.ftb.demo.Demo;

import java.nio.file.Path;

/** A real Apache FtpServer on loopback with one user, as the demo runs it. */
public final class TestFtpServer implements AutoCloseable {
    private final FtpServer server;

    private TestFtpServer(FtpServer server) {
        this.server = server;
    }

    public static TestFtpServer start(Path home, String user, String password) throws FtpException {
        return new TestFtpServer(Demo.startFtpServer(home, user, password));
    }

    public int port() {
        return Demo.port(server);
    }

    @Override
    public void close() {
        server.stop();
    }
}
