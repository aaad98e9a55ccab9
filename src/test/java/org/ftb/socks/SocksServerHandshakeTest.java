package org.ftb.socks;

import org.ftb.testing.Bytes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SocksServerHandshakeTest {
    private static final Set<SocksVersion> BOTH = EnumSet.allOf(SocksVersion.class);
    private static final int[] IP = {10, 1, 1, 5};

    private static HandshakeDriver driver(Set<SocksVersion> versions, boolean passwordRequired) {
        return new HandshakeDriver(new SocksServerHandshake(versions, passwordRequired),
                auth -> auth.user().equals("job1") && new String(auth.password(), StandardCharsets.UTF_8).equals("s3cret"));
    }

    private static HandshakeDriver run(byte[] input) {
        return driver(BOTH, false).feed(input, null);
    }

    private static ConnectRequest connect(HandshakeDriver d) {
        assertThat(d.last()).isInstanceOf(Step.Connect.class);
        return ((Step.Connect) d.last()).request();
    }

    private static Step.Refuse refuse(HandshakeDriver d) {
        assertThat(d.last()).isInstanceOf(Step.Refuse.class);
        return (Step.Refuse) d.last();
    }

    @Test
    void socks4Connect() {
        ConnectRequest r = connect(run(Bytes.v4(1, IP, 21, "JOB1")));
        assertThat(r.version()).isEqualTo(SocksVersion.V4);
        assertThat(r.protocol()).isEqualTo("SOCKS4");
        assertThat(r.host()).isEqualTo("10.1.1.5");
        assertThat(r.address()).containsExactly(10, 1, 1, 5);
        assertThat(r.port()).isEqualTo(21);
        assertThat(r.user()).isEqualTo("JOB1");
    }

    @Test
    void socks4aCarriesAHostName() {
        ConnectRequest r = connect(run(Bytes.v4a("", "ftp.example.com", 2121)));
        assertThat(r.protocol()).isEqualTo("SOCKS4A");
        assertThat(r.host()).isEqualTo("ftp.example.com");
        assertThat(r.address()).isNull();
        assertThat(r.port()).isEqualTo(2121);
    }

    @Test
    void socks5ConnectToIpv4Ipv6AndNames() {
        byte[] greeting = Bytes.of(5, 1, 0).get();
        HandshakeDriver v4 = run(Bytes.of().then(greeting).then(Bytes.v5Ipv4(1, IP, 21)).get());
        assertThat(((Step.Reply) v4.decisions().get(0)).bytes()).containsExactly(5, 0);
        assertThat(connect(v4).host()).isEqualTo("10.1.1.5");

        byte[] v6 = Bytes.of(5, 1, 0, 4).then(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1).port(990).get();
        ConnectRequest r6 = connect(run(Bytes.of().then(greeting).then(v6).get()));
        assertThat(r6.host()).isEqualTo("2001:db8::1");
        assertThat(r6.address()).hasSize(16);

        ConnectRequest named = connect(run(Bytes.of().then(greeting).then(Bytes.v5Domain(1, "FTP.Example.com", 21)).get()));
        assertThat(named.host()).isEqualTo("FTP.Example.com");
        assertThat(named.address()).isNull();

        ConnectRequest literal = connect(run(Bytes.of().then(greeting).then(Bytes.v5Domain(1, "10.1.1.5", 21)).get()));
        assertThat(literal.address()).containsExactly(10, 1, 1, 5);
    }

    @Test
    void bindAndUdpGetCommandNotSupported() {
        assertThat(refuse(run(Bytes.v4(2, IP, 21, ""))).reply()).containsExactly(0, 91, 0, 0, 0, 0, 0, 0);
        assertThat(refuse(run(Bytes.v4(2, IP, 21, ""))).reason()).contains("BIND is not supported");
        for (int command : new int[]{2, 3, 9}) {
            Step.Refuse r = refuse(run(Bytes.of(5, 1, 0).then(Bytes.v5Ipv4(command, IP, 21)).get()));
            assertThat(r.reply()).containsExactly(5, 7, 0, 1, 0, 0, 0, 0, 0, 0);
        }
    }

    @Test
    void unknownAddressTypeGetsAddressTypeNotSupported() {
        Step.Refuse r = refuse(run(Bytes.of(5, 1, 0, 5, 1, 0, 7, 1, 2, 3, 4, 5).get()));
        assertThat(r.reply()).containsExactly(5, 8, 0, 1, 0, 0, 0, 0, 0, 0);
        assertThat(r.reason()).isEqualTo("SOCKS 5 address type 7 is not supported");
    }

    @Test
    void noAcceptableMethod() {
        assertThat(refuse(run(Bytes.of(5, 1, 1).get())).reply()).containsExactly(5, 0xFF);
        assertThat(refuse(run(Bytes.of(5, 0).get())).reply()).containsExactly(5, 0xFF);
        HandshakeDriver strict = driver(BOTH, true).feed(Bytes.of(5, 1, 0).get(), null);
        assertThat(refuse(strict).reply()).containsExactly(5, 0xFF);
        assertThat(refuse(strict).reason()).contains("AUTH(USERPASS) needs X'02'");
    }

    @Test
    void userPasswordAuthentication() {
        byte[] auth = Bytes.of(1, 4).text("job1").then(6).text("s3cret").get();
        HandshakeDriver ok = driver(BOTH, true).feed(Bytes.of(5, 2, 0, 2).then(auth).then(Bytes.v5Ipv4(1, IP, 21)).get(), null);
        assertThat(ok.decisions()).hasSize(4);
        assertThat(((Step.Reply) ok.decisions().get(0)).bytes()).containsExactly(5, 2);
        assertThat(ok.decisions().get(1)).hasToString("Authenticate[user=job1, password=(hidden)]");
        assertThat(((Step.Reply) ok.decisions().get(2)).bytes()).containsExactly(1, 0);
        assertThat(connect(ok).user()).isEqualTo("job1");

        byte[] wrong = Bytes.of(1, 4).text("job1").then(5).text("guess").get();
        HandshakeDriver bad = driver(BOTH, true).feed(Bytes.of(5, 1, 2).then(wrong).then(Bytes.v5Ipv4(1, IP, 21)).get(), null);
        assertThat(refuse(bad).reply()).containsExactly(1, 1);
        assertThat(refuse(bad).reason()).isEqualTo("user job1 failed authentication");
    }

    @Test
    void withoutAuthRequiredAUserNameOfferedAloneIsAcceptedAndRecorded() {
        byte[] auth = Bytes.of(1, 3).text("JOB").then(1).text("x").get();
        HandshakeDriver d = run(Bytes.of(5, 1, 2).then(auth).then(Bytes.v5Ipv4(1, IP, 21)).get());
        assertThat(d.decisions()).noneMatch(s -> s instanceof Step.Authenticate);
        assertThat(connect(d).user()).isEqualTo("JOB");
    }

    @Test
    void badSubNegotiationVersion() {
        Step.Refuse r = refuse(run(Bytes.of(5, 1, 2, 5, 1, 'a', 1, 'b').get()));
        assertThat(r.reply()).containsExactly(1, 1);
        assertThat(r.reason()).isEqualTo("RFC 1929 sub-negotiation version is 5, not 1");
    }

    @Test
    void disabledVersionsAreRefusedInTheirOwnProtocol() {
        assertThat(refuse(driver(Set.of(SocksVersion.V5), false).feed(Bytes.v4(1, IP, 21, ""), null)).reply())
                .containsExactly(0, 91, 0, 0, 0, 0, 0, 0);
        Step.Refuse v5 = refuse(driver(Set.of(SocksVersion.V4), false).feed(Bytes.of(5, 1, 0).get(), null));
        assertThat(v5.reply()).containsExactly(5, 0xFF);
        assertThat(v5.reason()).isEqualTo("SOCKS 5 is not enabled by VERSIONS");
    }

    @Test
    void nonSocksInputIsRecognisedAndRefusedWithoutReply() {
        Step.Refuse http = refuse(run("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(http.reply()).isEmpty();
        assertThat(http.reason()).startsWith("not a SOCKS request: it is HTTP (GET / HTTP/1.1X'0D'X'0A'...)");
        assertThat(refuse(run(Bytes.of(0x16, 3, 1).get())).reason()).isEqualTo("not a SOCKS request: it looks like a TLS handshake");
        assertThat(refuse(run(Bytes.of(0x41).get())).reason()).isEqualTo("not a SOCKS request: first byte X'41' is no SOCKS version (A)");
    }

    @Test
    void oversizedAndInvalidFieldsAreRefused() {
        byte[] longUser = Bytes.of(4, 1, 0, 21).then(IP).text("u".repeat(300)).get();
        assertThat(refuse(run(longUser)).reason()).isEqualTo("SOCKS 4 user ID is longer than 255 bytes");
        byte[] longHost = Bytes.of(4, 1, 0, 21, 0, 0, 0, 1, 0).text("h".repeat(300)).get();
        assertThat(refuse(run(longHost)).reason()).isEqualTo("SOCKS 4a host name is longer than 255 bytes");
        assertThat(refuse(run(Bytes.v4(1, IP, 0, ""))).reason()).isEqualTo("destination port 0 is not valid");
        Step.Refuse badName = refuse(run(Bytes.of(5, 1, 0).then(Bytes.v5Domain(1, "a b\u0000", 21)).get()));
        assertThat(badName.reply()).containsExactly(5, 1, 0, 1, 0, 0, 0, 0, 0, 0);
        assertThat(badName.reason()).isEqualTo("host name a bX'00' is not valid");
        assertThat(refuse(run(Bytes.of(5, 1, 0).then(Bytes.v5Domain(1, "", 21)).get())).reason()).isEqualTo("host name  is not valid");
        assertThat(refuse(run(Bytes.of(5, 1, 0, 4, 1, 0, 1, 1, 2, 3, 4, 0, 21).get())).reason()).isEqualTo("SOCKS 5 request has version 4");
    }

    @Test
    void requestsArrivingOneByteAtATimeGiveTheSameResult() {
        byte[] v5 = Bytes.of(5, 2, 0, 2).then(Bytes.v5Domain(1, "ftp.example.com", 21)).get();
        for (byte[] input : new byte[][]{Bytes.v4(1, IP, 21, "JOB1"), Bytes.v4a("u", "h.example", 21), v5}) {
            HandshakeDriver whole = run(input);
            HandshakeDriver dribbled = driver(BOTH, false);
            for (byte b : input) {
                dribbled.feed(new byte[]{b}, null);
            }
            assertThat(connect(dribbled)).usingRecursiveComparison().isEqualTo(connect(whole));
            assertThat(dribbled.decisions()).hasSameSizeAs(whole.decisions());
        }
    }

    @Test
    void payloadPipelinedAfterTheRequestIsLeftForTheRelay() {
        byte[] payload = "USER anonymous\r\n".getBytes(StandardCharsets.US_ASCII);
        HandshakeDriver v5 = run(Bytes.of(5, 1, 0).then(Bytes.v5Ipv4(1, IP, 21)).then(payload).get());
        assertThat(connect(v5).port()).isEqualTo(21);
        assertThat(v5.leftover()).isEqualTo(payload);
        HandshakeDriver v4 = run(Bytes.of().then(Bytes.v4a("", "h", 21)).then(payload).get());
        assertThat(v4.leftover()).isEqualTo(payload);
    }

    @Test
    void successRepliesCarryTheBoundAddress() {
        assertThat(ReplyCode.SUCCEEDED.encode(SocksVersion.V5, new byte[]{127, 0, 0, 1}, 40000))
                .containsExactly(5, 0, 0, 1, 127, 0, 0, 1, 0x9c, 0x40);
        assertThat(ReplyCode.SUCCEEDED.encode(SocksVersion.V4, new byte[]{127, 0, 0, 1}, 40000))
                .containsExactly(0, 90, 0x9c, 0x40, 127, 0, 0, 1);
        assertThat(ReplyCode.SUCCEEDED.encode(SocksVersion.V5, new byte[16], 1)).hasSize(22).startsWith(5, 0, 0, 4);
        assertThat(ReplyCode.TTL_EXPIRED.encode(SocksVersion.V4)).containsExactly(0, 91, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void randomChunkingNeverChangesTheOutcome() {
        Random random = new Random(7);
        byte[] input = Bytes.of(5, 3, 0, 1, 2).then(Bytes.v5Domain(1, "x.example.com", 21)).text("payload").get();
        ConnectRequest expected = connect(run(input));
        for (int i = 0; i < 200; i++) {
            HandshakeDriver d = driver(BOTH, false).feed(input, random);
            assertThat(connect(d)).usingRecursiveComparison().isEqualTo(expected);
        }
    }
}
