package org.ftb.ftp;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FtpCodecTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<FtpReply> replies(String text) throws Exception {
        byte[] b = ascii(text);
        return new FtpReplyReader().feed(b, 0, b.length);
    }

    @Test
    void singleAndMultiLineReplies() throws Exception {
        String greeting = "220-Welcome\r\n 230 is not the end\r\n220-still not\r\n220 Ready\r\n";
        List<FtpReply> r = replies(greeting + "331 Password required\n");
        assertThat(r).hasSize(2);
        assertThat(r.get(0).code()).isEqualTo(220);
        assertThat(r.get(0).lines()).hasSize(4);
        assertThat(r.get(0).raw()).isEqualTo(ascii(greeting));
        assertThat(r.get(0).text()).isEqualTo("Ready");
        assertThat(r.get(1).code()).isEqualTo(331);
        assertThat(r.get(1).isPositiveIntermediate()).isTrue();
    }

    @Test
    void anyChunkingGivesTheSameReplies() throws Exception {
        byte[] all = ascii("220-a\r\n220 b\r\n227 Entering Passive Mode (127,0,0,1,200,10).\r\n226 ok\r\n");
        Random random = new Random(3);
        for (int round = 0; round < 200; round++) {
            FtpReplyReader reader = new FtpReplyReader();
            List<FtpReply> out = new ArrayList<>();
            for (int at = 0; at < all.length; ) {
                int n = Math.min(all.length - at, 1 + random.nextInt(7));
                out.addAll(reader.feed(all, at, n));
                at += n;
            }
            assertThat(out).extracting(FtpReply::code).containsExactly(220, 227, 226);
        }
    }

    @Test
    void malformedRepliesAreRefused() {
        assertThatThrownBy(() -> replies("hello\r\n")).hasMessage("not an FTP reply: hello");
        assertThatThrownBy(() -> replies("2200 x\r\n")).isInstanceOf(FtpReplyReader.MalformedReply.class);
        assertThatThrownBy(() -> replies("220 " + "x".repeat(9000))).hasMessageContaining("longer than 8192 bytes");
    }

    @Test
    void commandsKeepTheirBytesAndHidePasswords() throws Exception {
        byte[] b = ascii("user job1\r\nPASS s3cret\r\nPASV\n\u00ff\u00f4\u00ff\u00f2ABOR\r\n");
        List<FtpCommand> c = new FtpCommandReader().feed(b, 0, b.length);
        assertThat(c).extracting(FtpCommand::verb).containsExactly("USER", "PASS", "PASV", "ABOR");
        assertThat(c.get(0).argument()).isEqualTo("job1");
        assertThat(c.get(1)).hasToString("PASS ****");
        assertThat(c.get(0).raw()).isEqualTo(ascii("user job1\r\n"));
        assertThatThrownBy(() -> new FtpCommandReader().feed(new byte[5000], 0, 5000)).isInstanceOf(FtpCommandReader.LineTooLong.class);
    }

    @Test
    void passiveRepliesAreParsedAndRewritten() throws Exception {
        FtpReply pasv = replies("227 Entering Passive Mode (10,1,2,3,195,80)\r\n").get(0);
        assertThat(PassiveReply.parse227(pasv)).contains(new PassiveReply.Announced("10.1.2.3", 50000));
        assertThat(PassiveReply.parse227(replies("227 =10,1,2,3,195,80\r\n").get(0))).isPresent();
        assertThat(PassiveReply.parse227(replies("227 nothing here\r\n").get(0))).isEmpty();
        assertThat(PassiveReply.parse227(replies("227 (10,1,2,300,1,1)\r\n").get(0))).isEmpty();
        assertThat(PassiveReply.parse229(replies("229 Entering Extended Passive Mode (|||50001|)\r\n").get(0))).contains(50001);
        assertThat(PassiveReply.parse229(replies("229 ok (!!!2121!)\r\n").get(0))).contains(2121);
        assertThat(PassiveReply.parse229(replies("229 ok (|||0|)\r\n").get(0))).isEmpty();
        assertThat(PassiveReply.rewrite227(new byte[]{127, 0, 0, 1}, 40000).raw())
                .isEqualTo(ascii("227 Entering Passive Mode (127,0,0,1,156,64)\r\n"));
        assertThat(PassiveReply.rewrite229(40000).raw()).isEqualTo(ascii("229 Entering Extended Passive Mode (|||40000|)\r\n"));
    }
}
