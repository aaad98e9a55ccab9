package org.ftb.ftp;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FtpCodecTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void commandsKeepTheirBytesAndHidePasswords() throws Exception {
        byte[] b = ascii("user job1\r\nPASS s3cret\r\nPASV\n\u00ff\u00f4\u00ff\u00f2ABOR\r\n");
        List<FtpCommand> c = new FtpCommandReader().feed(b, 0, b.length);
        assertThat(c).extracting(FtpCommand::verb).containsExactly("USER", "PASS", "PASV", "ABOR");
        assertThat(c.get(0).argument()).isEqualTo("job1");
        assertThat(c.get(1)).hasToString("PASS ****");
        assertThat(c.get(0).raw()).isEqualTo(ascii("user job1\r\n"));
        assertThat(c.get(3).raw()).as("Telnet IP and Synch are not relayed").isEqualTo(ascii("ABOR\r\n"));
    }

    @Test
    void anOverLongCommandLineIsSkippedAndTheNextOneRead() {
        byte[] line = new byte[6000];
        java.util.Arrays.fill(line, (byte) 'y');
        FtpCommandReader reader = new FtpCommandReader();
        List<FtpCommand> first = reader.feed(line, 0, line.length);
        List<FtpCommand> then = reader.feed(ascii("\r\nNOOP\r\n"), 0, 8);
        assertThat(first).isEmpty();
        assertThat(then).containsExactly(FtpCommand.TOO_LONG, then.get(1));
        assertThat(then.get(1).verb()).isEqualTo("NOOP");
    }

    @Test
    void passiveRepliesAreParsedAndRewritten() throws Exception {
        assertThat(PassiveReply.parse227(List.of("227 Entering Passive Mode (10,1,2,3,195,80)")))
                .contains(new PassiveReply.Announced("10.1.2.3", 50000));
        assertThat(PassiveReply.parse227(List.of("227 =10,1,2,3,195,80"))).isPresent();
        assertThat(PassiveReply.parse227(List.of("227-Entering Passive Mode (10,1,2,3,195,81)", "227 OK")))
                .as("the numbers on the first line of a multi-line reply").contains(new PassiveReply.Announced("10.1.2.3", 50001));
        assertThat(PassiveReply.parse227(List.of("227 nothing here"))).isEmpty();
        assertThat(PassiveReply.parse227(List.of("227 (10,1,2,300,1,1)"))).isEmpty();
        assertThat(PassiveReply.parse229(List.of("229 Entering Extended Passive Mode (|||50001|)"))).contains(50001);
        assertThat(PassiveReply.parse229(List.of("229-here it is: (|||50002|)", "229 end"))).contains(50002);
        assertThat(PassiveReply.parse229(List.of("229 ok (!!!2121!)"))).contains(2121);
        assertThat(PassiveReply.parse229(List.of("229 ok (|||0|)"))).isEmpty();
        assertThat(PassiveReply.rewrite227(new byte[]{127, 0, 0, 1}, 40000).raw())
                .isEqualTo(ascii("227 Entering Passive Mode (127,0,0,1,156,64)\r\n"));
        assertThat(PassiveReply.rewrite229(40000).raw()).isEqualTo(ascii("229 Entering Extended Passive Mode (|||40000|)\r\n"));
    }
}
