package org.ftb.ssh;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WindowBudgetTest {
    private static final long BUDGET = 80L * 1024 * 1024;

    @Test
    void theFirstChannelsGetOpenSshsWindow() {
        WindowBudget windows = new WindowBudget(BUDGET);
        assertThat(windows.take()).isEqualTo(WindowBudget.MAX);
        assertThat(windows.take()).isEqualTo(WindowBudget.MAX);
    }

    @Test
    void channelsOpenedOneAfterAnotherStayWithinTheBudgetPlusTheLeastWindowEach() {
        WindowBudget windows = new WindowBudget(BUDGET);
        List<Long> taken = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            taken.add(windows.take());
            assertThat(windows.granted()).isLessThanOrEqualTo(BUDGET + taken.size() * WindowBudget.MIN);
        }
        assertThat(taken.get(taken.size() - 1)).isEqualTo(WindowBudget.MIN);
        taken.forEach(windows::give);
        assertThat(windows.granted()).isZero();
        assertThat(windows.take()).as("all given back").isEqualTo(WindowBudget.MAX);
    }

    @Test
    void aSmallBudgetStillGivesEveryChannelTheLeastWindow() {
        WindowBudget windows = new WindowBudget(0);
        assertThat(windows.take()).isEqualTo(WindowBudget.MIN);
    }
}
