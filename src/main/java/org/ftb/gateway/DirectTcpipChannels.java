package org.ftb.gateway;

import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.forward.DirectTcpipFactory;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.apache.sshd.server.forward.TcpipServerChannel;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;

/**
 * direct-tcpip channels that refuse a port beyond 65535. The port is an SSH uint32; MINA turns it into
 * an address before any filter sees it, and the exception that a port such as 0xFFFFFFFF raises there
 * dropped the caller's whole session. It is refused as OpenSSH refuses it: administratively prohibited.
 */
final class DirectTcpipChannels extends DirectTcpipFactory {
    private static final long MAX_PORT = 65_535;

    private final MessageLog messages;

    DirectTcpipChannels(MessageLog messages) {
        this.messages = messages;
    }

    @Override
    public Channel createChannel(Session session) {
        return new PortChecked();
    }

    private final class PortChecked extends TcpipServerChannel {
        PortChecked() {
            super(TcpForwardingFilter.Type.Direct, null);
        }

        @Override
        protected OpenFuture doInit(Buffer buffer) {
            int start = buffer.rpos();
            String host = buffer.getString();
            long port = buffer.getUInt();
            buffer.rpos(start);
            if (port <= MAX_PORT) {
                return super.doInit(buffer);
            }
            messages.log(Msg.FTB0511W, getSession().getUsername(), Logins.client(getSession()), host, port);
            DefaultOpenFuture refused = new DefaultOpenFuture(this, futureLock);
            refused.setException(new SshChannelOpenException(getChannelId(), SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
                    "port " + port + " is not a TCP port"));
            return refused;
        }
    }
}
