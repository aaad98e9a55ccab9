package org.ftb.auth;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The users file behind SOCKS AUTH(USERPASS) and the gateway's USERS. */
class UserDirectoryTest {
    private static final int ITERATIONS = 200_000;

    @Test
    void rightWrongAndUnknown() throws Exception {
        UserDirectory users = UserDirectory.parse(List.of(UserDirectory.entry("job1", "right".toCharArray(), 10_000)));
        assertThat(users.verify("job1", bytes("right"))).isTrue();
        assertThat(users.verify("job1", bytes("wrong"))).isFalse();
        assertThat(users.verify("nobody", bytes("right"))).isFalse();
    }

    /**
     * Issue 7 finding 4: a refusal took 76 ms for a real user and 0.3 ms for an unknown one, which told
     * an attacker which user names exist. Measured as the checking thread's CPU time, which a loaded
     * machine does not stretch the way it stretches wall time; the old code spent next to none on an
     * unknown user, the hash costs tens of milliseconds.
     */
    @Test
    void issue7AnUnknownUserCostsTheSameHashAsAKnownOne() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isCurrentThreadCpuTimeSupported(), "this JVM cannot measure a thread's CPU time");
        UserDirectory users = UserDirectory.parse(List.of(UserDirectory.entry("job1", "right".toCharArray(), ITERATIONS)));
        users.verify("job1", bytes("warm-up"));
        long known = 0;
        long unknown = 0;
        for (int i = 0; i < 3; i++) {
            known += cpuNanos(threads, () -> users.verify("job1", bytes("wrong")));
            unknown += cpuNanos(threads, () -> users.verify("nobody", bytes("wrong")));
        }
        assertThat(unknown).as("CPU time for an unknown user (ns), against %d for a known one", known).isGreaterThan(known / 3);
    }

    private static long cpuNanos(ThreadMXBean threads, Runnable check) {
        long start = threads.getCurrentThreadCpuTime();
        check.run();
        return threads.getCurrentThreadCpuTime() - start;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
