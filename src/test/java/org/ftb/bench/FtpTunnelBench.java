package org.ftb.bench;

import org.ftb.testing.TestBroker;
import org.ftb.testing.TestFtpServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Serves the FTP side of the FTPTUNNEL benchmark in docs/performance.md: an Apache FtpServer with a
 * 64 MiB file and a small one, and a broker whose FTPTUNNEL rule goes through the given sshd. Prints
 * the FTP and SOCKS ports, then runs until standard input ends.
 * Arguments: sshd port, known_hosts file, FTP user, FTP password.
 * With only FTP user and FTP password, serves the FTP side alone and prints "FTP port": the brokers
 * under test then run in processes of their own, so that their CPU time can be read apart from the
 * FTP server's.
 */
public final class FtpTunnelBench {
    private FtpTunnelBench() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory("ftb-bench-");
        byte[] big = new byte[64 * 1024 * 1024];
        new Random(1).nextBytes(big);
        Files.write(home.resolve("big.bin"), big);
        Files.writeString(home.resolve("small.txt"), "small file\n");
        if (args.length == 2) {
            try (TestFtpServer ftp = TestFtpServer.start(home, args[0], args[1])) {
                System.out.println("FTP " + ftp.port());
                System.out.flush();
                System.in.readAllBytes();
            }
            return;
        }
        try (TestFtpServer ftp = TestFtpServer.start(home, args[2], args[3]);
             TestBroker broker = TestBroker.start("SSHHOST NAME(S) HOST(127.0.0.1) PORT(" + args[0] + ") KNOWNHOSTS('" + args[1]
                     + "') CIPHERS(aes128-gcm@openssh.com)\nRULE NAME(F) DEST(127.0.0.1) ACTION(FTPTUNNEL) VIA(S)\nLOG AUDIT(NO)\n")) {
            System.out.println("FTP " + ftp.port() + " SOCKS " + broker.port());
            System.out.flush();
            System.in.readAllBytes();
        }
    }
}
