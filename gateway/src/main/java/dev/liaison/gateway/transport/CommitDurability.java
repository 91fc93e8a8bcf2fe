package dev.liaison.gateway.transport;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Which of the transport's transactions may commit without waiting for the WAL flush. Only work
 * that is redone by itself after a crash may: a claim lease or a "delivered" record lost with the
 * last few hundred milliseconds of WAL only makes the envelope go out again, and the receiver
 * drops the duplicate by envelope id; an inbound envelope's processing is redone from the envelope,
 * which was stored durably before the peer got {@code 202}. Anything that promises something to
 * someone outside (a {@code 250}, a {@code 202}, an envelope queued for a peer) stays durable:
 * {@link #restore} puts back the configured level, whatever it is (e.g. {@code remote_apply}).
 *
 * <p>A later durable commit flushes the WAL up to itself, so the relaxed commits before it are
 * durable from then on too: nothing that depends on a relaxed commit can outlive it.
 */
public final class CommitDurability {

    /**
     * The connections {@link #relax} was called on (the pool's proxy for one checkout, by identity,
     * held weakly), so that {@link #restore} costs no round trip in a transaction never relaxed:
     * every submission queues an envelope. A connection stays listed after its transaction ends;
     * that costs one needless SET at the next restore, never a missed one.
     */
    private static final Set<Connection> RELAXED = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    /**
     * {@link #relax} inside a statement, as an item of its {@code RETURNING} list: for a statement
     * run in autocommit mode, which is a transaction of its own and so has no room for a
     * {@code SET LOCAL} (and would pay a round trip for one). Evaluated for each row the statement
     * returns; one that changes no row has nothing to flush anyway.
     */
    public static final String RELAXING = "set_config('synchronous_commit', 'off', true)";

    private CommitDurability() {
    }

    /** This transaction's commit does not wait for the WAL flush. */
    public static void relax(Connection c) throws SQLException {
        RELAXED.add(c);
        set(c, "SET LOCAL synchronous_commit = off");
    }

    /** This transaction's commit waits as the server is configured to: undoes {@link #relax}, and only that. */
    public static void restore(Connection c) throws SQLException {
        if (RELAXED.remove(c)) {
            set(c, "SET LOCAL synchronous_commit TO DEFAULT");
        }
    }

    private static void set(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
