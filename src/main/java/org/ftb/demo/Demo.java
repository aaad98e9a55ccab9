package org.ftb.demo;

import org.apache.ftpserver.ConnectionConfigFactory;
import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.Authority;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.impl.DefaultFtpServer;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.ConcurrentLoginPermission;
import org.apache.ftpserver.usermanager.impl.WritePermission;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The demo's own FTP server: Apache FtpServer on loopback, one user, a few files. */
public final class Demo {
    /** The demo's FTP (and SSH gateway) user; its password is printed for the demo only. */
    public static final String USER = "demo";
    public static final String PASSWORD = "demo-password";
    public static final String FILE = "hello.txt";
    public static final String CONTENT = "Hello from the FTP Tunnel Broker demo: this file came through an SSH tunnel.\n";

    private Demo() {
    }

    /** Writes the demo files and starts the FTP server; returns it with its port. */
    public static FtpServer startFtpServer(Path home) throws IOException, FtpException {
        Files.writeString(home.resolve(FILE), CONTENT, StandardCharsets.US_ASCII);
        Files.writeString(home.resolve("README.txt"), "Files here are served by the demo FTP server of ftb demo.\n");
        return startFtpServer(home, USER, PASSWORD);
    }

    /** An Apache FtpServer on 127.0.0.1 (any free port, passive on loopback) with one user who may write. */
    public static FtpServer startFtpServer(Path home, String userName, String password) throws FtpException {
        FtpServerFactory factory = new FtpServerFactory();
        ListenerFactory listener = new ListenerFactory();
        listener.setServerAddress("127.0.0.1");
        listener.setPort(0);
        DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
        data.setPassiveAddress("127.0.0.1");
        listener.setDataConnectionConfiguration(data.createDataConnectionConfiguration());
        factory.addListener("default", listener.createListener());
        ConnectionConfigFactory connections = new ConnectionConfigFactory();
        connections.setMaxLogins(500);
        factory.setConnectionConfig(connections.createConnectionConfig());
        BaseUser user = new BaseUser();
        user.setName(userName);
        user.setPassword(password);
        user.setHomeDirectory(home.toString());
        user.setAuthorities(List.<Authority>of(new WritePermission(), new ConcurrentLoginPermission(500, 500)));
        factory.getUserManager().save(user);
        FtpServer server = factory.createServer();
        server.start();
        return server;
    }

    public static int port(FtpServer server) {
        return ((DefaultFtpServer) server).getListener("default").getPort();
    }
}
