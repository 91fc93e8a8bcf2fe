package dev.liaison.gateway.relationship;

import dev.liaison.gateway.ratchet.Ratchet;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

/**
 * The sealed headers of the ratchet messages each relationship received ({@code relay.received_headers},
 * relay V7), to tell what arrives at a chain position already used. The ratchet refuses it
 * ({@code DuplicateMessageException}) after its header opened under a header key of the session, so
 * its header is authentic; only its body cannot be checked (the position's key is used and erased).
 * The same sealed header is a copy of the message received there, which anyone who saw the envelope
 * can post again under a new id: dropped. Another one was sealed anew by a holder of the header key,
 * which a third party is not: the peer, whose gateway sealed again from an older state (a restored
 * backup), and whose message is lost unless someone is told.
 *
 * <p>A copy must resolve to arrive at all, and the addresses it was sent to live
 * {@link OwnRoutes#ADDRESS_LIFETIME} from their making, which was before the original arrived; so
 * headers are kept a day longer than that ({@link #RETENTION}). Works in the caller's transaction.
 */
public final class ReceivedHeaders {

    /** The longest a copy of a received message can still resolve, and a day for clocks and late prunes. */
    public static final Duration RETENTION = OwnRoutes.ADDRESS_LIFETIME.plusDays(1);

    private static final String FORGET = "DELETE FROM relay.received_headers WHERE ctid = ANY (ARRAY(SELECT ctid"
            + " FROM relay.received_headers WHERE received_at < ? ORDER BY received_at LIMIT ?))";

    /** The digest of the ratchet message that ends {@code envelope} ({@code ciphertextLength} bytes of it). */
    static byte[] digest(byte[] envelope, int ciphertextLength) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(envelope, envelope.length - ciphertextLength, Ratchet.HEADER_PREFIX_LENGTH);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Remembers that {@code relationship} received the message with {@code digest}. */
    void received(Connection c, long relationship, byte[] digest) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO relay.received_headers (relationship_id, header_digest)"
                + " VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            s.setLong(1, relationship);
            s.setBytes(2, digest);
            s.executeUpdate();
        }
    }

    /** Whether {@code relationship} received a message with {@code digest} (within the retention). */
    boolean seen(Connection c, long relationship, byte[] digest) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM relay.received_headers"
                + " WHERE relationship_id = ? AND header_digest = ?")) {
            s.setLong(1, relationship);
            s.setBytes(2, digest);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Forgets at most {@code max} headers received before {@code before}, oldest first; how many went. */
    public int forget(Connection c, Instant before, int max) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(FORGET)) {
            s.setTimestamp(1, Timestamp.from(before));
            s.setInt(2, max);
            return s.executeUpdate();
        }
    }
}
