package org.ftb.regression;

import org.ftb.gateway.Gateway;
import org.ftb.testing.LogCapture;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestFtpServer;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real parts of an end-to-end FTP test: Apache FtpServer serving {@code home} to {@link Rig#USER},
 * the embedded SSH gateway, and a broker whose FTPTUNNEL rule goes through it ({@link Rig#broker}).
 * The log is captured from the start.
 */
record RealFtpRig(LogCapture log, Path home, TestFtpServer ftp, Gateway gateway, TestBroker broker) implements AutoCloseable {
    static RealFtpRig start(Path dir) throws Exception {
        LogCapture log = new LogCapture();
        Path home = Files.createDirectories(dir.resolve("home"));
        TestFtpServer ftp = TestFtpServer.start(home, Rig.USER, Rig.PASSWORD);
        Gateway gateway = Rig.gateway(dir);
        return new RealFtpRig(log, home, ftp, gateway, Rig.broker(dir, "", gateway.knownHostsLine(), gateway.port(), ftp.port()));
    }

    /** Logged in through the broker, passive, binary. */
    Rig.FtpClient login() throws Exception {
        return Rig.login(broker, ftp.port());
    }

    @Override
    public void close() throws Exception {
        try {
            broker.close();
            gateway.close();
        } finally {
            ftp.close();
            log.close();
        }
    }
}
