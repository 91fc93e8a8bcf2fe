package dev.liaison.gateway.transport;

import dev.liaison.mapping.database.Database;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * How every table that would otherwise only grow is pruned: one batch of at most
 * {@link Limits#PRUNE_BATCH} rows per short transaction (never a long lock on a large table), at most
 * {@link #BATCHES_PER_PASS} batches per pass, ending at the first short batch. A long history (the
 * first pass after an upgrade) is worked off a pass at a time on its owner's schedule, so the owner's
 * real work is never held up behind it.
 */
public final class BatchedDeletion {

    /** How often an owner with nothing left over comes back. */
    public static final Duration PASS_INTERVAL = Duration.ofHours(1);
    public static final int BATCHES_PER_PASS = 10;

    private BatchedDeletion() {
    }

    /** One batch: deletes at most {@code max} old rows, oldest first, and says how many went. */
    @FunctionalInterface
    public interface Batch {
        int delete(Connection c, int max) throws SQLException;
    }

    /** What a pass did: the rows deleted, and whether its last batch was full (more may be left). */
    public record Pass(int deleted, boolean more) {
    }

    /**
     * Runs batches until one is short, {@link #BATCHES_PER_PASS} have run, or {@code going} turns
     * false (the owner is stopping). A batch that fails ends the pass with the database's unchecked
     * exception; the batches before it stay committed.
     */
    public static Pass run(Database db, Batch batch, BooleanSupplier going) {
        int deleted = 0;
        int last = 0;
        for (int i = 0; i < BATCHES_PER_PASS && going.getAsBoolean(); i++) {
            last = db.inTransaction(c -> batch.delete(c, Limits.PRUNE_BATCH));
            deleted += last;
            if (last < Limits.PRUNE_BATCH) {
                break;
            }
        }
        return new Pass(deleted, last == Limits.PRUNE_BATCH);
    }
}
