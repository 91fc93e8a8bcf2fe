package dev.liaison.gateway.receiving;

import dev.liaison.gateway.address.RootAddress;
import dev.liaison.gateway.wire.Bytes;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The receiving service's directory of root addresses ({@code relay.endpoints}): which relationship
 * a root address belongs to and which address-signing key its holder registered. All methods work
 * in the caller's transaction.
 */
public final class Endpoints {

    /** A registered root address. */
    public record Endpoint(long relationshipId, Bytes signingKey) {
    }

    public void register(Connection c, RootAddress root, long relationshipId, Bytes signingKey, Instant refreshAt)
            throws SQLException {
        try (var s = c.prepareStatement("INSERT INTO relay.endpoints (root, relationship_id, signing_key, refresh_at)"
                + " VALUES (?, ?, ?, ?)")) {
            s.setBytes(1, root.value().toByteArray());
            s.setLong(2, relationshipId);
            s.setBytes(3, signingKey.toByteArray());
            s.setTimestamp(4, Timestamp.from(refreshAt));
            s.executeUpdate();
        }
    }

    /**
     * The relationship a root address names: a registered one, or a removed user's invitation still
     * out ({@link #retire}), whose acceptance is answered with the end.
     */
    public Optional<Endpoint> find(Connection c, RootAddress root) throws SQLException {
        try (var s = c.prepareStatement("SELECT relationship_id, signing_key FROM relay.endpoints WHERE root = ?"
                + " UNION ALL SELECT relationship_id, signing_key FROM relay.retired_invitations WHERE root = ?")) {
            s.setBytes(1, root.value().toByteArray());
            s.setBytes(2, root.value().toByteArray());
            try (var rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new Endpoint(rs.getLong(1), Bytes.adopt(rs.getBytes(2)))) : Optional.empty();
            }
        }
    }

    /** Fresh addresses were sent to the peer; the next refresh falls due at {@code next}. */
    public void refreshed(Connection c, long relationshipId, Instant next) throws SQLException {
        try (var s = c.prepareStatement("UPDATE relay.endpoints SET refresh_at = ? WHERE relationship_id = ?")) {
            s.setTimestamp(1, Timestamp.from(next));
            s.setLong(2, relationshipId);
            s.executeUpdate();
        }
    }

    /** Relationships whose peer must get fresh addresses by now, oldest first. */
    public List<Long> dueForRefresh(Connection c, Instant now, int max) throws SQLException {
        try (var s = c.prepareStatement("SELECT relationship_id FROM relay.endpoints WHERE refresh_at <= ?"
                + " ORDER BY refresh_at LIMIT ?")) {
            s.setTimestamp(1, Timestamp.from(now));
            s.setInt(2, max);
            try (var rs = s.executeQuery()) {
                List<Long> due = new ArrayList<>();
                while (rs.next()) {
                    due.add(rs.getLong(1));
                }
                return due;
            }
        }
    }

    /**
     * After a key rotation or a move of the endpoint: every peer should learn the new route soon.
     * Returns how many relationships were not due by then already.
     */
    public int refreshAllBy(Connection c, Instant when) throws SQLException {
        try (var s = c.prepareStatement("UPDATE relay.endpoints SET refresh_at = ? WHERE refresh_at > ?")) {
            s.setTimestamp(1, Timestamp.from(when));
            s.setTimestamp(2, Timestamp.from(when));
            return s.executeUpdate();
        }
    }

    /**
     * Keeps the address of {@code relationshipId}, an invitation still out whose user is being
     * removed, with its sealed pending state, until {@code expires}: the relationship's own rows go,
     * but an acceptance must still be answered (relay V6). False if it has no address any more.
     */
    public boolean retire(Connection c, long relationshipId, byte[] sealedState, Instant expires) throws SQLException {
        try (var s = c.prepareStatement("INSERT INTO relay.retired_invitations (relationship_id, root, signing_key,"
                + " protocol_state, expires_at) SELECT relationship_id, root, signing_key, ?, ? FROM relay.endpoints"
                + " WHERE relationship_id = ?")) {
            s.setBytes(1, sealedState);
            s.setTimestamp(2, Timestamp.from(expires));
            s.setLong(3, relationshipId);
            return s.executeUpdate() == 1;
        }
    }

    /** The sealed pending state of a retired invitation ({@link #retire}), locked, if it is still kept. */
    public Optional<byte[]> lockRetired(Connection c, long relationshipId) throws SQLException {
        try (var s = c.prepareStatement("SELECT protocol_state FROM relay.retired_invitations WHERE relationship_id = ?"
                + " FOR UPDATE")) {
            s.setLong(1, relationshipId);
            try (var rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        }
    }

    /** The retired invitation was answered: its address stops resolving. */
    public void forgetRetired(Connection c, long relationshipId) throws SQLException {
        try (var s = c.prepareStatement("DELETE FROM relay.retired_invitations WHERE relationship_id = ?")) {
            s.setLong(1, relationshipId);
            s.executeUpdate();
        }
    }

    /** Bookkeeping's batch: at most {@code max} retired invitations that expired before {@code before}; how many went. */
    public static int forgetExpiredRetired(Connection c, Instant before, int max) throws SQLException {
        try (var s = c.prepareStatement("DELETE FROM relay.retired_invitations WHERE relationship_id IN"
                + " (SELECT relationship_id FROM relay.retired_invitations WHERE expires_at < ? ORDER BY expires_at"
                + " LIMIT ?)")) {
            s.setTimestamp(1, Timestamp.from(before));
            s.setInt(2, max);
            return s.executeUpdate();
        }
    }

    /** The relationship ended: its addresses stop resolving at once. */
    public void remove(Connection c, long relationshipId) throws SQLException {
        try (var s = c.prepareStatement("DELETE FROM relay.endpoints WHERE relationship_id = ?")) {
            s.setLong(1, relationshipId);
            s.executeUpdate();
        }
    }
}
