package org.ftb.ssh;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one bound on opening a tunnel, shared by the login and the channel open so that neither can
 * outlast it: the TCP connect and the login may each take CONNECTTIMEOUT, so nothing waits longer
 * than twice that, even for an SSH server that stalls mid-handshake or never answers a channel open.
 */
final class OpenBound {
    private final ScheduledExecutorService timer;
    private final Duration bound;

    OpenBound(ScheduledExecutorService timer, Duration connectTimeout) {
        this.timer = timer;
        this.bound = connectTimeout.multipliedBy(2);
    }

    /** The bound in whole seconds, for messages. */
    long seconds() {
        return bound.toSeconds();
    }

    /** Runs {@code check} halfway through the bound, unless {@code future} has completed by then. */
    void halfway(CompletableFuture<?> future, Runnable check) {
        try {
            ScheduledFuture<?> alarm = timer.schedule(() -> {
                if (!future.isDone()) {
                    check.run();
                }
            }, bound.toNanos() / 2, TimeUnit.NANOSECONDS);
            future.whenComplete((value, error) -> alarm.cancel(false));
        } catch (RejectedExecutionException e) {
            // the broker is stopping: within() fails the future
        }
    }

    /** Fails {@code future} with {@code late} unless it completes within the bound. */
    void within(CompletableFuture<?> future, Supplier<TunnelFailure> late) {
        try {
            ScheduledFuture<?> alarm = timer.schedule(() -> future.completeExceptionally(late.get()), bound.toNanos(),
                    TimeUnit.NANOSECONDS);
            future.whenComplete((value, error) -> alarm.cancel(false));
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(new TunnelFailure(TunnelFailure.Kind.OTHER, "the broker is stopping", e));
        }
    }
}
