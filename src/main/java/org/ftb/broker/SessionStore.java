package org.ftb.broker;

import org.ftb.ftp.DataTransfer;

import java.util.function.BooleanSupplier;

/**
 * An FTP session as its held uploads see it: what its state machine says of the data connection in
 * use, copied on the session's reactor thread after each event, so that data connections read it on
 * their own threads; and the ABOR, sent on the reactor thread.
 */
final class SessionStore implements HeldUploads.Store {
    private final BooleanSupplier sshLost;
    private final BooleanSupplier canAbort;
    private final Runnable abort;
    private volatile boolean storing;
    private volatile boolean awaited;
    private volatile int announcements;
    private volatile boolean ended;

    /**
     * @param sshLost  true once the session's SSH connection is lost
     * @param canAbort true while the control connection can carry an ABOR for the store
     * @param abort    sends it
     */
    SessionStore(BooleanSupplier sshLost, BooleanSupplier canAbort, Runnable abort) {
        this.sshLost = sshLost;
        this.canAbort = canAbort;
        this.abort = abort;
    }

    /** After each event of the session, on its reactor thread. */
    void update(DataTransfer transfer) {
        storing = transfer.storeUnderWay();
        awaited = transfer.awaited();
        announcements = transfer.announcements();
    }

    /** The session ended: no transfer command can come any more. */
    void ended() {
        ended = true;
    }

    @Override
    public boolean inProgress() {
        return storing && !sshLost.getAsBoolean();
    }

    @Override
    public int announcement() {
        return announcements;
    }

    @Override
    public boolean mayStart(int announcement) {
        return awaited && announcement == announcements && !ended;
    }

    @Override
    public boolean canAbort() {
        return canAbort.getAsBoolean();
    }

    @Override
    public void abort() {
        abort.run();
    }
}
