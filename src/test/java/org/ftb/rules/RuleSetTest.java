package org.ftb.rules;

import org.ftb.address.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ftb.config.ConfigFixtures.config;

class RuleSetTest {
    private final RuleSet rules = config("""
            RULE NAME(FTP)   DEST(*.mvs.example.com ftp?.example.com) PORTS(21 50000-50100) ACTION(DIRECT)
            RULE NAME(NET10) DEST(10.0.0.0/8) PORTS(*) ACTION(DENY)
            RULE NAME(V6)    DEST(2001:db8::/32) PORTS(22) ACTION(DIRECT)
            RULE NAME(LOOP)  DEST(127.0.0.1) ACTION(DIRECT)
            """).ruleSet();

    private static byte[] ip(String text) {
        return IpAddress.parse(text).orElseThrow();
    }

    @Test
    void firstMatchWinsOnHostAndPort() {
        Match match = rules.match(Destination.ofName("SYSA.MVS.Example.com", ip("10.1.1.1"), 21));
        assertThat(match.ruleName()).isEqualTo("FTP");
        assertThat(match.reason()).isEqualTo("rule FTP (line 1): DEST *.mvs.example.com matches sysa.mvs.example.com, "
                + "PORTS 21 matches 21, ACTION(DIRECT)");
        assertThat(rules.match(Destination.ofName("sysa.mvs.example.com", ip("10.1.1.1"), 50100)).ruleName()).isEqualTo("FTP");
    }

    @Test
    void addressBlocksMatchTheResolvedAddressOfANameSoNamesCannotBypassThem() {
        Match match = rules.match(Destination.ofName("intranet.example.org", ip("10.9.9.9"), 443));
        assertThat(match.ruleName()).isEqualTo("NET10");
        assertThat(match.action()).isEqualTo(Action.DENY);
        assertThat(match.reason()).contains("(resolved)");
    }

    @Test
    void globsMatchWholeNamesOnly() {
        assertThat(rules.match(Destination.ofName("ftp1.example.com", ip("192.0.2.1"), 21)).ruleName()).isEqualTo("FTP");
        assertThat(rules.match(Destination.ofName("ftp12.example.com", ip("192.0.2.1"), 21)).rule()).isEmpty();
        assertThat(rules.match(Destination.ofName("mvs.example.com", ip("192.0.2.1"), 21)).rule()).isEmpty();
        assertThat(rules.match(Destination.ofName("x.mvs.example.com.evil.org", ip("192.0.2.1"), 21)).rule()).isEmpty();
    }

    @Test
    void ipv6BlocksAndExactAddresses() {
        assertThat(rules.match(Destination.ofAddress(ip("2001:db8:1::5"), 22)).ruleName()).isEqualTo("V6");
        assertThat(rules.match(Destination.ofAddress(ip("2001:db9::5"), 22)).rule()).isEmpty();
        assertThat(rules.match(Destination.ofAddress(ip("127.0.0.1"), 9)).ruleName()).isEqualTo("LOOP");
        assertThat(rules.match(Destination.ofAddress(ip("127.0.0.2"), 9)).rule()).isEmpty();
    }

    @Test
    void noMatchDeniesAndSaysWhy() {
        Match match = rules.match(Destination.ofName("nowhere.invalid", null, 80));
        assertThat(match.action()).isEqualTo(Action.DENY);
        assertThat(match.ruleName()).isEqualTo("(none)");
        assertThat(match.reason()).isEqualTo("no rule matches nowhere.invalid:80; nowhere.invalid did not resolve, "
                + "so no address block could match: denied");
    }

    @Test
    void globMatcherHandlesStarsAndQuestionMarks() {
        assertThat(DestinationPattern.HostGlob.globMatches("*", "")).isTrue();
        assertThat(DestinationPattern.HostGlob.globMatches("a*b*c", "axxbyyc")).isTrue();
        assertThat(DestinationPattern.HostGlob.globMatches("a*b*c", "axxbyy")).isFalse();
        assertThat(DestinationPattern.HostGlob.globMatches("??.x", "ab.x")).isTrue();
        assertThat(DestinationPattern.HostGlob.globMatches("??.x", "a.x")).isFalse();
        assertThat(List.of("*.a.b", "*")).allMatch(g -> DestinationPattern.HostGlob.globMatches(g, "z.a.b"));
    }
}
