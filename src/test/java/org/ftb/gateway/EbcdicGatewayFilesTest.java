package org.ftb.gateway;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.ftb.address.HostPort;
import org.ftb.config.GatewaySettings;
import org.ftb.message.MessageLog;
import org.ftb.platform.CodePages;
import org.ftb.platform.PrivateFiles;
import org.ftb.platform.TextFiles;
import org.ftb.rules.DestinationPattern;
import org.ftb.rules.PortRange;
import org.ftb.testing.KeyLogin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 8: the gateway's HOSTKEY and AUTHORIZEDKEYS files made on z/OS (untagged IBM-1047) are read as UTF-8 ones are. */
@Timeout(60)
class EbcdicGatewayFilesTest {
    @TempDir
    Path dir;

    private Gateway start(Optional<Path> authorizedKeys) throws Exception {
        return Gateway.start(new GatewaySettings(new HostPort("127.0.0.1", 0), dir.resolve("hostkey"), Optional.empty(), Optional.empty(),
                authorizedKeys, GatewaySettings.DEFAULT_MAX_AUTH_TRIES,
                List.of(new GatewaySettings.Permit(DestinationPattern.parse("127.0.0.1").orElseThrow(), PortRange.ALL)),
                new TextFiles(CodePages.IBM1047)), new MessageLog(LoggerFactory.getLogger("ftb")));
    }

    @Test
    void anIbm1047AuthorizedKeysFileLogsItsKeyInWithItsOptions() throws Exception {
        KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Path keys = Files.createDirectories(dir.resolve("authorized_keys"));
        try (ServerSocket allowed = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket other = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Files.write(keys.resolve("job1"), ("# made with OEDIT\npermitopen=\"127.0.0.1:" + allowed.getLocalPort() + "\" "
                    + PublicKeyEntry.toString(key.getPublic()) + " job1@zos\n").getBytes(CodePages.IBM1047));
            try (Gateway gateway = start(Optional.of(keys)); KeyLogin login = KeyLogin.to(gateway.port(), "job1", key)) {
                login.openTunnel(allowed.getLocalPort());
                assertThatThrownBy(() -> login.openTunnel(other.getLocalPort())).as("permitopen= read from the EBCDIC file")
                        .isInstanceOf(Exception.class);
            }
        }
    }

    @Test
    void anIbm1047HostKeyFileIsTheKeyTheGatewayShows() throws Exception {
        KeyPair hostKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        new OpenSSHKeyPairResourceWriter().writePrivateKey(hostKey, "gateway", null, text);
        try (OutputStream out = PrivateFiles.create(dir.resolve("hostkey"))) {
            out.write(text.toString(StandardCharsets.US_ASCII).getBytes(CodePages.IBM1047));
        }
        Path keys = Files.createDirectories(dir.resolve("authorized_keys"));
        try (Gateway gateway = start(Optional.of(keys))) {
            assertThat(gateway.knownHostsLine()).contains(PublicKeyEntry.toString(hostKey.getPublic()));
        }
    }
}
