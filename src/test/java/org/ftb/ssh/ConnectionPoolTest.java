package org.ftb.ssh;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pool's bookkeeping with made-up sessions and made-up times: no sockets, no sleeps. */
class ConnectionPoolTest {
    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    private static final long IDLE_CLOSE = Duration.ofSeconds(60).toNanos();

    private static final class FakeSession {
        boolean open = true;
    }

    private final List<FakeSession> closed = new ArrayList<>();
    private final ConnectionPool<String, FakeSession> pool =
            new ConnectionPool<>(Duration.ofNanos(IDLE_CLOSE), s -> s.open, closed::add);

    private ConnectionPool.Connection<String, FakeSession> made(ConnectionPool.Lease<String, FakeSession> lease) {
        assertThat(lease.isNew()).isTrue();
        lease.connection().session.complete(new FakeSession());
        return lease.connection();
    }

    @Test
    void tunnelsShareAConnectionUpToTheMaximumThenANewOneIsMade() {
        ConnectionPool.Connection<String, FakeSession> first = made(pool.acquire("gw", 2));
        ConnectionPool.Lease<String, FakeSession> second = pool.acquire("gw", 2);
        assertThat(second.isNew()).isFalse();
        assertThat(second.connection()).isSameAs(first);
        ConnectionPool.Lease<String, FakeSession> third = pool.acquire("gw", 2);
        assertThat(third.isNew()).isTrue();
        assertThat(pool.acquire("other", 2).isNew()).as("another key never shares").isTrue();
        assertThat(pool.size()).isEqualTo(3);
    }

    @Test
    void tunnelsWaitOnAConnectionBeingMadeInsteadOfMakingMore() {
        ConnectionPool.Lease<String, FakeSession> first = pool.acquire("gw", 32);
        assertThat(pool.acquire("gw", 32).connection()).isSameAs(first.connection());
        assertThat(pool.size()).isEqualTo(1);
    }

    @Test
    void aFailedLoginIsNeverReused() {
        ConnectionPool.Lease<String, FakeSession> failing = pool.acquire("gw", 32);
        ConnectionPool.Lease<String, FakeSession> waiting = pool.acquire("gw", 32);
        failing.connection().session.completeExceptionally(new TunnelFailure(TunnelFailure.Kind.LOGIN_REFUSED, "refused", null));
        assertThat(waiting.connection()).isSameAs(failing.connection());
        assertThat(pool.size()).isZero();
        ConnectionPool.Lease<String, FakeSession> retry = pool.acquire("gw", 32);
        assertThat(retry.isNew()).isTrue();
        assertThat(retry.connection()).isNotSameAs(failing.connection());
    }

    @Test
    void aClosedOrDiscardedConnectionTakesNoNewTunnels() {
        ConnectionPool.Connection<String, FakeSession> c = made(pool.acquire("gw", 32));
        c.session.join().open = false;
        assertThat(pool.acquire("gw", 32).connection()).isNotSameAs(c);
        assertThat(pool.acquireAlongside(c)).isFalse();

        ConnectionPool.Connection<String, FakeSession> d = made(pool.acquire("gw2", 32));
        pool.discard(d);
        assertThat(pool.acquireAlongside(d)).isFalse();
        assertThat(pool.acquire("gw2", 32).connection()).isNotSameAs(d);
    }

    @Test
    void aDataTunnelFollowsItsControlTunnelBeyondTheMaximum() {
        ConnectionPool.Connection<String, FakeSession> c = made(pool.acquire("gw", 1));
        assertThat(pool.acquireAlongside(c)).isTrue();
        assertThat(pool.release(c, 0)).isFalse();
        assertThat(pool.release(c, 0)).as("idle once both tunnels ended").isTrue();
    }

    @Test
    void nothingIdleMeansNoCheckIsNeeded() {
        assertThat(pool.closeIdle(0)).isEqualTo(-1);
        made(pool.acquire("gw", 32));
        assertThat(pool.closeIdle(0)).isEqualTo(-1);
        assertThat(closed).isEmpty();
    }

    @Test
    void anIdleConnectionClosesAfterTheIdleTimeAndNotBefore() {
        long t0 = 1_000 * SECOND;
        ConnectionPool.Connection<String, FakeSession> c = made(pool.acquire("gw", 32));
        assertThat(pool.release(c, t0)).isTrue();

        assertThat(pool.closeIdle(t0 + 10 * SECOND)).isEqualTo(50 * SECOND);
        assertThat(pool.closeIdle(t0 + IDLE_CLOSE - 1)).isEqualTo(1);
        assertThat(closed).isEmpty();
        assertThat(pool.size()).isEqualTo(1);

        assertThat(pool.closeIdle(t0 + IDLE_CLOSE)).isEqualTo(-1);
        assertThat(closed).containsExactly(c.session.join());
        assertThat(pool.size()).isZero();
        assertThat(pool.acquire("gw", 32).isNew()).isTrue();
    }

    @Test
    void theNextCheckIsDueWhenTheOldestIdleConnectionIs() {
        long t0 = 0;
        ConnectionPool.Connection<String, FakeSession> older = made(pool.acquire("a", 32));
        ConnectionPool.Connection<String, FakeSession> newer = made(pool.acquire("b", 32));
        pool.release(older, t0);
        pool.release(newer, t0 + 20 * SECOND);

        assertThat(pool.closeIdle(t0 + 30 * SECOND)).isEqualTo(30 * SECOND);
        assertThat(pool.closeIdle(t0 + 60 * SECOND)).as("the older one closed, the newer one is due in 20 s").isEqualTo(20 * SECOND);
        assertThat(closed).containsExactly(older.session.join());
        assertThat(pool.closeIdle(t0 + 80 * SECOND)).isEqualTo(-1);
        assertThat(closed).containsExactly(older.session.join(), newer.session.join());
    }

    @Test
    void reuseBeforeTheIdleTimeKeepsTheConnectionOpen() {
        long t0 = 0;
        ConnectionPool.Connection<String, FakeSession> c = made(pool.acquire("gw", 32));
        pool.release(c, t0);
        assertThat(pool.acquire("gw", 32).connection()).isSameAs(c);
        assertThat(pool.closeIdle(t0 + 2 * IDLE_CLOSE)).isEqualTo(-1);
        assertThat(closed).isEmpty();

        pool.release(c, t0 + 2 * IDLE_CLOSE);
        assertThat(pool.closeIdle(t0 + 2 * IDLE_CLOSE)).as("idle time counts from the last release").isEqualTo(IDLE_CLOSE);
    }

    @Test
    void aConnectionAbandonedWhileBeingMadeIsClosedOnceMade() {
        ConnectionPool.Lease<String, FakeSession> lease = pool.acquire("gw", 32);
        pool.release(lease.connection(), 0);
        assertThat(pool.closeIdle(IDLE_CLOSE)).isEqualTo(-1);
        assertThat(closed).isEmpty();
        FakeSession late = new FakeSession();
        lease.connection().session.complete(late);
        assertThat(closed).containsExactly(late);
    }

    @Test
    void aRetiredConnectionTakesNoNewTunnelAndClosesWithItsLast() {
        ConnectionPool.Connection<String, FakeSession> silent = made(pool.acquire("gw", 32));
        assertThat(pool.acquire("gw", 32).connection()).isSameAs(silent);

        pool.retire(silent);
        ConnectionPool.Lease<String, FakeSession> next = pool.acquire("gw", 32);
        assertThat(next.isNew()).as("the next tunnel gets a new connection").isTrue();
        assertThat(pool.acquireAlongside(silent)).as("a data tunnel beside its own still opens").isTrue();

        pool.release(silent, 0);
        pool.release(silent, 0);
        assertThat(closed).isEmpty();
        pool.release(silent, 0);
        assertThat(closed).containsExactly(silent.session.join());
        assertThat(pool.size()).isEqualTo(1);
    }

    @Test
    void aRetiredConnectionWithoutTunnelsClosesAtOnce() {
        ConnectionPool.Connection<String, FakeSession> idle = made(pool.acquire("gw", 32));
        pool.release(idle, 0);
        pool.retire(idle);
        assertThat(closed).containsExactly(idle.session.join());
        assertThat(pool.size()).isZero();
    }
}
