package org.ftb.ssh;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The receive windows (RFC 4254 5.2) that the broker's SSH channels grant their servers, out of one
 * budget. A window is what the SSH server may send on a channel before the broker has passed any of
 * it on, and MINA keeps what arrives in the heap until the client takes it: a client that stops
 * reading makes its channel hold its whole window. So each new channel gets a sixteenth of what is left
 * of the budget, at most OpenSSH's own 2 MiB and at least {@link #MIN}, and gives it back when it
 * closes. The windows open together never exceed the budget plus {@link #MIN} per channel, in whatever
 * order channels come and go: a few transfers get 2 MiB each, a thousand get the least.
 */
final class WindowBudget {
    /** Bytes: the least window, two of OpenSSH's 32 KiB packets, so that one is in flight while the other is passed on. */
    static final long MIN = 64 * 1024;
    /** Bytes: the most, OpenSSH's own channel window; 2 MiB per 50 ms of round trip is 40 MiB/s. */
    static final long MAX = 2 * 1024 * 1024;
    private static final int SHARE = 16;

    private final long budget;
    private final AtomicLong granted = new AtomicLong();

    /** @param budget bytes the windows may take together, beyond {@link #MIN} each */
    WindowBudget(long budget) {
        this.budget = budget;
    }

    /** The window of a new channel, in bytes, counted as granted until {@link #give} returns it. */
    long take() {
        while (true) {
            long before = granted.get();
            long window = Math.max(MIN, Math.min(MAX, (budget - before) / SHARE));
            if (granted.compareAndSet(before, before + window)) {
                return window;
            }
        }
    }

    /** A closed channel's window, as {@link #take} gave it. */
    void give(long window) {
        granted.addAndGet(-window);
    }

    /** Bytes of window granted to channels not yet closed. */
    long granted() {
        return granted.get();
    }
}
