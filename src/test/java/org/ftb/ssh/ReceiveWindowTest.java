package org.ftb.ssh;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReceiveWindowTest {
    private static final long BUDGET = 48L * 1024 * 1024;

    @Test
    void aFewChannelsGetOpenSshsWindow() {
        assertThat(SshTunnels.receiveWindow(BUDGET, 1)).isEqualTo(SshTunnels.MAX_WINDOW);
        assertThat(SshTunnels.receiveWindow(BUDGET, 24)).isEqualTo(SshTunnels.MAX_WINDOW);
    }

    @Test
    void manyChannelsShareTheBudget() {
        assertThat(SshTunnels.receiveWindow(BUDGET, 192)).isEqualTo(256 * 1024);
        assertThat(SshTunnels.receiveWindow(BUDGET, 2000)).isEqualTo(SshTunnels.MIN_WINDOW);
        assertThat(SshTunnels.receiveWindow(BUDGET, 0)).isEqualTo(SshTunnels.MAX_WINDOW);
    }
}
