package org.ftb.gateway;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The threads that hash passwords, newest first. A flood of wrong passwords on many connections must
 * not queue a broker's correct one behind all of them, as a first-come queue does: the newest check
 * runs next, and beyond {@link #WAITING_PER_THREAD} per thread the oldest waiting check is dropped
 * (refused unchecked, after the same delay), so that none waits long and the queue stays small.
 */
final class PasswordChecks implements AutoCloseable {
    /** About a second of hashing per thread at the default PBKDF2 iteration count. */
    private static final int WAITING_PER_THREAD = 4;

    /** A password check, or its refusal unchecked when newer ones push it out. */
    interface Check extends Runnable {
        void dropped();
    }

    private final Deque<Check> waiting = new ArrayDeque<>();
    private final int capacity;
    private final List<Thread> threads = new ArrayList<>();
    private boolean closed;

    PasswordChecks(int threadCount) {
        this.capacity = WAITING_PER_THREAD * threadCount;
        for (int i = 0; i < threadCount; i++) {
            Thread thread = new Thread(this::work, "ftb-gateway-login");
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** @return false when closed: the check will never run */
    boolean submit(Check check) {
        Check pushedOut;
        synchronized (this) {
            if (closed) {
                return false;
            }
            waiting.addFirst(check);
            pushedOut = waiting.size() > capacity ? waiting.removeLast() : null;
            notifyAll();
        }
        if (pushedOut != null) {
            pushedOut.dropped();
        }
        return true;
    }

    private void work() {
        while (true) {
            Check next;
            synchronized (this) {
                while (waiting.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                next = waiting.removeFirst();
            }
            next.run();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            waiting.clear();
            notifyAll();
        }
        threads.forEach(Thread::interrupt);
    }
}
