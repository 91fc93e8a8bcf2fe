package dev.liaison.mapping.correspondent;

import dev.liaison.mapping.database.SqlStates;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/**
 * {@code mapping.legacy_sent_ids}: the neutral Message-IDs of the plain email each user sent, so
 * that a report naming one is known to be about this user's mail. Times are the database's
 * ({@code now()}), as {@code legacy_received_ids}'. Every method runs in the caller's transaction.
 */
public final class LegacySentIds {

    /**
     * Remembers that {@code userId} sent plain email with {@code neutral} (its Message-ID without
     * angle brackets), as of now; sending it again renews it.
     */
    public void remember(Connection c, long userId, String neutral) {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO mapping.legacy_sent_ids (user_id, neutral)"
                + " VALUES (?, ?) ON CONFLICT (user_id, neutral) DO UPDATE SET sent_at = now()")) {
            insert.setLong(1, userId);
            insert.setString(2, neutral);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw SqlStates.unexpected("remembering a Message-ID user " + userId + " sent", e);
        }
    }

    /** Forgets at most {@code max} rows, anyone's, sent before {@code before}, oldest first; how many went. */
    public int forget(Connection c, Instant before, int max) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM mapping.legacy_sent_ids WHERE ctid = ANY (ARRAY("
                + "SELECT ctid FROM mapping.legacy_sent_ids WHERE sent_at < ? ORDER BY sent_at LIMIT ?))")) {
            ps.setTimestamp(1, Timestamp.from(before));
            ps.setInt(2, max);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlStates.unexpected("forgetting Message-IDs sent before " + before, e);
        }
    }

    /** Whether {@code userId} sent plain email with one of {@code neutrals} within {@code memory}. */
    public boolean sentAny(Connection c, long userId, Collection<String> neutrals, Duration memory) {
        if (neutrals.isEmpty()) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM mapping.legacy_sent_ids WHERE user_id = ?"
                + " AND neutral = ANY (?) AND sent_at >= now() - make_interval(secs => ?) LIMIT 1")) {
            ps.setLong(1, userId);
            ps.setArray(2, c.createArrayOf("text", neutrals.toArray()));
            ps.setLong(3, memory.toSeconds());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("looking up Message-IDs user " + userId + " sent", e);
        }
    }
}
