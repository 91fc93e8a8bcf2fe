package dev.liaison.gateway.transport.send;

import dev.liaison.gateway.transport.QueueWakeup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An outbound queue's backlog by destination, for the administrator ({@code liaison queue}), as
 * Postfix's {@code mailq} and {@code postqueue -f}: what waits where, since when, why; and a
 * flush that makes what waits due now, after the administrator mended the cause (a peer back up
 * sooner than the backoff reckons). Destinations and counts only: never a sender, recipient or
 * envelope byte.
 */
public final class QueuedDestinations {

    private QueuedDestinations() {
    }

    /**
     * One destination's waiting envelopes: how many, the oldest's age, the soonest next attempt,
     * the most attempts any has had, and the last error of the one tried most recently.
     */
    public record Destination(String destination, long pending, Instant oldest, Instant nextAttempt, int attempts,
                              String lastError) {
    }

    /** Every destination with envelopes waiting in {@code table}, the longest waiting first. */
    public static List<Destination> list(Connection c, QueueTable table) throws SQLException {
        String t = table.name();
        try (var s = c.prepareStatement("SELECT destination, count(*), min(created_at), min(next_attempt_at),"
                + " max(attempts), (array_agg(last_error ORDER BY attempts DESC, next_attempt_at DESC)"
                + " FILTER (WHERE last_error IS NOT NULL))[1]"
                + " FROM " + t + " WHERE state = 'pending' GROUP BY destination ORDER BY min(created_at)");
             ResultSet rs = s.executeQuery()) {
            List<Destination> found = new ArrayList<>();
            while (rs.next()) {
                found.add(new Destination(rs.getString(1), rs.getLong(2), instant(rs, 3), instant(rs, 4), rs.getInt(5),
                        rs.getString(6) == null ? "" : rs.getString(6)));
            }
            return found;
        }
    }

    /**
     * Makes the envelopes waiting in {@code table} (for {@code destination} only, if given) due at
     * {@code now}, and wakes the queue's workers in every process on this database once the
     * transaction commits; returns how many were waiting for a later attempt. Leased envelopes (a
     * delivery in flight) are left to their delivery.
     */
    public static int flush(Connection c, QueueTable table, Optional<String> destination, Instant now)
            throws SQLException {
        String t = table.name();
        try (var s = c.prepareStatement("UPDATE " + t + " SET next_attempt_at = ? WHERE state = 'pending'"
                + " AND next_attempt_at > ? AND (leased_until IS NULL OR leased_until <= ?)"
                + (destination.isPresent() ? " AND destination = ?" : ""))) {
            OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
            s.setObject(1, at);
            s.setObject(2, at);
            s.setObject(3, at);
            if (destination.isPresent()) {
                s.setString(4, destination.get());
            }
            int flushed = s.executeUpdate();
            if (flushed > 0) {
                QueueWakeup.notifyOnCommit(c, table.channel(), destination.orElse(""));
            }
            return flushed;
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
