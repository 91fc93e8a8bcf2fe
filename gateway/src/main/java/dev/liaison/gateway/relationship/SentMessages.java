package dev.liaison.gateway.relationship;

import dev.liaison.gateway.mail.Notices;
import dev.liaison.gateway.transport.EnvelopeId;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * Mail relayed to peers ({@code relay.sent_messages}), kept until its envelope is delivered or
 * given up on: the key that makes a client's retry of one submission a no-op, and the original's
 * header section for a failure notice. Every method works in the caller's transaction.
 */
public final class SentMessages {

    /**
     * {@link #prune}'s first statement. Only envelopes not yet delivered keep their original, so the
     * index on those (relay V5) finds them among days of relayed mail.
     */
    static final String DROP_DELIVERED_ORIGINALS = "UPDATE relay.sent_messages m SET message = NULL"
            + " WHERE m.message IS NOT NULL AND EXISTS (SELECT 1 FROM transport.outbound o"
            + " WHERE o.envelope_id = m.envelope_id AND o.state = 'delivered')";

    /** A relayed message as kept. */
    public record Original(String owner, String alias, byte[] message) {
    }

    /**
     * Records a relayed message; false if {@code submissionKey} was relayed before (a retry). Only
     * the header section is kept: all a failure notice returns ({@link Notices#returnedHeader}).
     */
    public boolean record(Connection c, String submissionKey, EnvelopeId envelope, String owner, String alias,
                          byte[] message) throws SQLException {
        try (var s = c.prepareStatement("INSERT INTO relay.sent_messages (submission_key, envelope_id, owner, alias,"
                + " message) VALUES (?, ?, ?, ?, ?) ON CONFLICT (submission_key) DO NOTHING")) {
            s.setString(1, submissionKey);
            s.setString(2, envelope.value());
            s.setString(3, owner);
            s.setString(4, alias);
            s.setBytes(5, Notices.returnedHeader(message));
            return s.executeUpdate() == 1;
        }
    }

    /** The original of an envelope given up on; it is dropped (the retry key stays). */
    public Optional<Original> take(Connection c, EnvelopeId envelope) throws SQLException {
        try (var s = c.prepareStatement("UPDATE relay.sent_messages n SET message = NULL FROM relay.sent_messages o"
                + " WHERE n.envelope_id = ? AND o.submission_key = n.submission_key AND o.message IS NOT NULL"
                + " RETURNING o.owner, o.alias, o.message")) {
            s.setString(1, envelope.value());
            try (var rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new Original(rs.getString(1), rs.getString(2), rs.getBytes(3)))
                        : Optional.empty();
            }
        }
    }

    /**
     * Drops the originals of delivered envelopes, and whole rows older than {@code before} (longer
     * than any client retries); returns how many rows changed.
     */
    public int prune(Connection c, Instant before) throws SQLException {
        int changed;
        try (var s = c.prepareStatement(DROP_DELIVERED_ORIGINALS)) {
            changed = s.executeUpdate();
        }
        try (var s = c.prepareStatement("DELETE FROM relay.sent_messages WHERE created_at < ?")) {
            s.setTimestamp(1, Timestamp.from(before));
            return changed + s.executeUpdate();
        }
    }
}
