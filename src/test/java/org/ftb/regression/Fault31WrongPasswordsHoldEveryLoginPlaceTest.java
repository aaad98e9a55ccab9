package org.ftb.regression;

import org.ftb.gateway.Gateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Security finding (broker, local user): a login "under way" keeps its place in MAXPRELOGIN and cannot
 * be pushed out, and a new connection is refused when every place is one (FTB0213W). But a client makes
 * its own login slow at will: a wrong PASS costs an SSH password login that `ftb gateway` answers only
 * after its fixed 2-second failure delay, and the client may send USER/PASS again at once. So
 * MAXPRELOGIN connections (and a few more to take back any place that frees) that repeat a wrong password keep every place under way, and every other
 * client of the broker is refused for as long as they go on (the documented limit speaks only of a
 * race of a few milliseconds). Here MAXPRELOGIN(4): eight connections keep a job from logging in for 10 s and more.
 */
@Timeout(120)
class Fault31WrongPasswordsHoldEveryLoginPlaceTest {
    @TempDir
    Path dir;
    private FtpRig rig;
    private Gateway gateway;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> attackers = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        rig = FtpRig.start(dir);
        gateway = Rig.gateway(dir);
        rig.ftp.on("USER", "331 password please").on("PASS", "230 in");
    }

    @AfterEach
    void tearDown() throws Exception {
        stop.set(true);
        for (Thread t : attackers) {
            t.join(10_000);
        }
        rig.close();
        gateway.close();
    }

    @Test
    void connectionsRepeatingAWrongPasswordDoNotLockEveryoneElseOut() throws Exception {
        Path knownHosts = dir.resolve("gw_known_hosts");
        Files.writeString(knownHosts, gateway.knownHostsLine() + "\n");
        rig.brokerWith("BROKER MAXSESSIONS(100) MAXPRELOGIN(4) LOGINTIMEOUT(60)\n"
                + "SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + gateway.port() + ") KNOWNHOSTS('" + knownHosts + "')\n"
                + rig.ftpRule());
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(this::attack, "attacker-" + i);
            t.setDaemon(true);
            attackers.add(t);
            t.start();
        }
        Thread.sleep(1500); // every attacker has sent its first PASS
        long start = System.nanoTime();
        boolean loggedIn = false;
        int tries = 0;
        List<String> seen = new ArrayList<>();
        while (!loggedIn && System.nanoTime() - start < Duration.ofSeconds(10).toNanos()) {
            tries++;
            try (FtpRig.Control c = rig.connect()) {
                c.line(Duration.ofSeconds(5));
                c.send("USER " + Rig.USER);
                c.line(Duration.ofSeconds(5));
                c.send("PASS " + Rig.PASSWORD);
                String reply = c.line(Duration.ofSeconds(10));
                seen.add(reply);
                loggedIn = reply.startsWith("230");
            } catch (IOException | AssertionError e) {
                Thread.sleep(100);
            }
        }
        assertThat(loggedIn).as("a job logged in within 10 s while 8 connections repeat a wrong PASS (%d tries, replies %s, %d FTB0213W, %d FTB0212W)",
                tries, seen, rig.log.withId("FTB0213W").size(), rig.log.withId("FTB0212W").size()).isTrue();
    }

    /** USER and a wrong PASS, again and again, on one connection (a new one when the broker ends it). */
    private void attack() {
        while (!stop.get()) {
            try (FtpRig.Control c = rig.connect()) {
                c.line();
                while (!stop.get()) {
                    // Both lines at once: the connection waits on itself for as short a time as can be.
                    c.sendRaw(("USER " + Rig.USER + "\r\nPASS wrong-guess\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    c.line(Duration.ofSeconds(30));
                    c.line(Duration.ofSeconds(30));
                }
            } catch (IOException | AssertionError e) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }
}
