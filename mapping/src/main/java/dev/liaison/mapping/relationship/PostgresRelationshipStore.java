package dev.liaison.mapping.relationship;

import dev.liaison.mapping.database.SqlStates;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.UnknownUserException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link RelationshipStore} on {@code mapping.relationships}, joined with {@code mapping.users} for the owner. */
public final class PostgresRelationshipStore implements RelationshipStore {

    private static final String COLUMNS = "r.id, u.id, u.login, r.peer_name, r.state, r.protocol_state,"
            + " r.state_version, r.created_at, r.updated_at";
    private static final String SELECT = "SELECT " + COLUMNS
            + " FROM mapping.relationships r JOIN mapping.users u ON u.id = r.user_id";
    /**
     * RETURNING gives the saved row without a second round trip; NULL in the place of the state,
     * which the caller just gave, so that it is not sent back.
     */
    private static final String SAVE_STATE = "UPDATE mapping.relationships r SET protocol_state = ?,"
            + " state_version = state_version + 1, updated_at = now() FROM mapping.users u WHERE u.id = r.user_id"
            + " AND r.id = ? AND r.state_version = ? AND r.state <> 'ended'"
            + " RETURNING " + COLUMNS.replace("r.protocol_state", "NULL");

    @Override
    public Relationship create(Connection c, Login owner, String peerName, byte[] initialState) {
        Relationship.checkedPeerName(peerName);
        ProtocolState state = ProtocolState.of(initialState);
        String sql = "INSERT INTO mapping.relationships (user_id, peer_name, state, protocol_state, state_version)"
                + " SELECT id, ?, 'pending', ?, 1 FROM mapping.users WHERE login = ? RETURNING id";
        long id;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, peerName);
            ps.setBytes(2, state.bytes());
            ps.setString(3, owner.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new UnknownUserException(owner);
                }
                id = rs.getLong(1);
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("creating a relationship of " + owner, e);
        }
        return find(c, id).orElseThrow(() -> new AssertionError("relationship just inserted"));
    }

    @Override
    public Optional<Relationship> find(Connection c, long id) {
        return one(c, SELECT + " WHERE r.id = ?", id, "reading relationship " + id);
    }

    @Override
    public Relationship lock(Connection c, long id) {
        return one(c, SELECT + " WHERE r.id = ? FOR UPDATE OF r", id, "locking relationship " + id)
                .orElseThrow(() -> new UnknownRelationshipException(id));
    }

    @Override
    public Relationship saveState(Connection c, long id, long expectedVersion, byte[] newState) {
        ProtocolState state = ProtocolState.of(newState);
        // The version and "not ended" are checked by the UPDATE itself, which takes the row lock and
        // re-reads the row after any concurrent writer commits: no window between check and write.
        try (PreparedStatement ps = c.prepareStatement(SAVE_STATE)) {
            ps.setBytes(1, state.bytes());
            ps.setLong(2, id);
            ps.setLong(3, expectedVersion);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return read(rs, state);
                }
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("saving the protocol state of relationship " + id, e);
        }
        Relationship current = find(c, id).orElseThrow(() -> new UnknownRelationshipException(id));
        if (current.state() == RelationshipState.ENDED) {
            throw new EndedRelationshipException(id);
        }
        throw new StaleRelationshipStateException(id, expectedVersion, current.stateVersion());
    }

    @Override
    public Relationship changeState(Connection c, long id, RelationshipState state) {
        Relationship current = lock(c, id);
        if (current.state() == RelationshipState.ENDED) {
            throw new EndedRelationshipException(id);
        }
        Optional<RelationshipState> beforeBlock = stateBeforeBlock(c, id);
        boolean unblockingToPending = beforeBlock.filter(s -> s == RelationshipState.PENDING).isPresent();
        if (state == RelationshipState.PENDING && current.state() != RelationshipState.PENDING && !unblockingToPending) {
            throw new InvalidRelationshipException("relationship " + id + " is " + current.state().dbValue()
                    + " and cannot go back to pending; block or end it instead");
        }
        // blocking remembers what the block interrupts (a second block keeps it); any other change forgets it
        String remember = "CASE WHEN ? = 'blocked' THEN CASE WHEN state = 'blocked' THEN state_before_block ELSE state END END";
        try (PreparedStatement ps = c.prepareStatement("UPDATE mapping.relationships SET state_before_block = "
                + remember + ", state = ?, updated_at = now() WHERE id = ?")) {
            ps.setString(1, state.dbValue());
            ps.setString(2, state.dbValue());
            ps.setLong(3, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlStates.unexpected("changing the state of relationship " + id, e);
        }
        return find(c, id).orElseThrow(() -> new AssertionError("relationship row locked"));
    }

    @Override
    public Optional<RelationshipState> stateBeforeBlock(Connection c, long id) {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT state_before_block FROM mapping.relationships WHERE id = ? AND state = 'blocked'")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)).map(RelationshipState::fromDb) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("reading what relationship " + id + " was before its block", e);
        }
    }

    @Override
    public Relationship renamePeer(Connection c, long id, String peerName) {
        Relationship.checkedPeerName(peerName);
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE mapping.relationships SET peer_name = ?, updated_at = now() WHERE id = ?")) {
            ps.setString(1, peerName);
            ps.setLong(2, id);
            if (ps.executeUpdate() == 0) {
                throw new UnknownRelationshipException(id);
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("renaming the peer of relationship " + id, e);
        }
        return find(c, id).orElseThrow(() -> new UnknownRelationshipException(id));
    }

    @Override
    public List<Relationship> listOf(Connection c, Login owner) {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE u.login = ? ORDER BY r.id")) {
            ps.setString(1, owner.value());
            try (ResultSet rs = ps.executeQuery()) {
                List<Relationship> relationships = new ArrayList<>();
                while (rs.next()) {
                    relationships.add(read(rs));
                }
                return relationships;
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("listing the relationships of " + owner, e);
        }
    }

    private static Optional<Relationship> one(Connection c, String sql, long id, String what) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected(what, e);
        }
    }

    private static Relationship read(ResultSet rs) throws SQLException {
        return read(rs, ProtocolState.of(rs.getBytes(6)));
    }

    /** A row of {@link #COLUMNS}, with the protocol state known already. */
    private static Relationship read(ResultSet rs, ProtocolState state) throws SQLException {
        return new Relationship(rs.getLong(1), rs.getLong(2), new Login(rs.getString(3)), rs.getString(4),
                RelationshipState.fromDb(rs.getString(5)), state, rs.getLong(7),
                rs.getObject(8, OffsetDateTime.class).toInstant(), rs.getObject(9, OffsetDateTime.class).toInstant());
    }
}
