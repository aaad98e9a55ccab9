package org.ftb.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link NoStandardInput} is in place: standard input ends at once, so no console thread of a broker run here waits on it. */
class NoStandardInputTest {
    @Test
    // A read that waits is not interrupted: the timeout's own thread fails the test rather than hang the fork.
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void standardInputIsAtItsEndAtOnce() throws Exception {
        assertThat(System.in.read()).isEqualTo(-1);
        assertThat(System.in.readAllBytes()).isEmpty();
    }
}
