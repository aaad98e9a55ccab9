package org.ftb.testing;

import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.Authority;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.impl.DefaultFtpServer;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.WritePermission;

import java.nio.file.Path;
import java.util.List;

/** A real Apache FtpServer on loopback with one user, passive mode on loopback. */
public final class TestFtpServer implements AutoCloseable {
    private final FtpServer server;

    private TestFtpServer(FtpServer server) {
        this.server = server;
    }

    public static TestFtpServer start(Path home, String user, String password) throws FtpException {
        FtpServerFactory factory = new FtpServerFactory();
        ListenerFactory listener = new ListenerFactory();
        listener.setServerAddress("127.0.0.1");
        listener.setPort(0);
        DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
        data.setPassiveAddress("127.0.0.1");
        listener.setDataConnectionConfiguration(data.createDataConnectionConfiguration());
        factory.addListener("default", listener.createListener());
        org.apache.ftpserver.ConnectionConfigFactory connections = new org.apache.ftpserver.ConnectionConfigFactory();
        connections.setMaxLogins(500);
        connections.setMaxThreads(0);
        factory.setConnectionConfig(connections.createConnectionConfig());
        BaseUser account = new BaseUser();
        account.setName(user);
        account.setPassword(password);
        account.setHomeDirectory(home.toString());
        account.setAuthorities(List.<Authority>of(new WritePermission(),
                new org.apache.ftpserver.usermanager.impl.ConcurrentLoginPermission(500, 500)));
        factory.getUserManager().save(account);
        FtpServer server = factory.createServer();
        server.start();
        return new TestFtpServer(server);
    }

    public int port() {
        return ((DefaultFtpServer) server).getListener("default").getPort();
    }

    @Override
    public void close() {
        server.stop();
    }
}
