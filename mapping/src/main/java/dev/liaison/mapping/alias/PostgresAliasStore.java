package dev.liaison.mapping.alias;

import dev.liaison.mapping.database.SqlStates;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.relationship.UnknownRelationshipException;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.UnknownUserException;
import dev.liaison.mapping.user.UserState;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link AliasStore} on {@code mapping.aliases}, joined with {@code mapping.users} for the owner. */
public final class PostgresAliasStore implements AliasStore {

    private static final String COLUMNS = "a.id, a.address, u.id, u.login, u.state, a.target, a.state, a.created_at,"
            + " a.relationship_id";
    private static final String FROM = " FROM mapping.aliases a JOIN mapping.users u ON u.id = a.user_id";
    private static final String SELECT = "SELECT " + COLUMNS + FROM;
    /**
     * {@link #SELECT} and, in columns 10 and 11, the state of the relationship a relationship alias
     * leads to and whether that relationship is a legacy correspondent's.
     */
    private static final String SELECT_ADDRESSEE = "SELECT " + COLUMNS + ", r.state, EXISTS (SELECT 1"
            + " FROM mapping.legacy_correspondents lc WHERE lc.relationship_id = r.id)" + FROM
            + " LEFT JOIN mapping.relationships r ON a.target = 'relationship' AND r.id = a.relationship_id";

    private static final String RELATIONSHIP_UNIQUE = "aliases_relationship_unique";

    @Override
    public Alias create(Connection c, Login owner, AliasAddress address, AliasTarget target) {
        String sql = "INSERT INTO mapping.aliases (address, user_id, target, relationship_id, state)"
                + " SELECT ?, id, ?, ?, 'active' FROM mapping.users WHERE login = ? RETURNING id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, address.value());
            ps.setString(2, target.dbValue());
            if (target.relationshipId() >= 0) {
                ps.setLong(3, target.relationshipId());
            } else {
                ps.setNull(3, Types.BIGINT);
            }
            ps.setString(4, owner.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new UnknownUserException(owner);
                }
            }
        } catch (SQLException e) {
            if (SqlStates.isUniqueViolation(e) && SqlStates.violates(e, RELATIONSHIP_UNIQUE)) {
                throw new RelationshipAliasExistsException(target.relationshipId());
            }
            if (SqlStates.isUniqueViolation(e)) {
                throw new DuplicateAliasException(address);
            }
            if (SqlStates.isForeignKeyViolation(e) && target.relationshipId() >= 0) {
                // the key is (relationship, owner): another user's relationship is as unknown as a missing one
                throw new UnknownRelationshipException(target.relationshipId(), owner);
            }
            throw SqlStates.unexpected("creating alias " + address, e);
        }
        return find(c, address).orElseThrow(() -> new AssertionError("alias just inserted"));
    }

    @Override
    public Optional<Alias> find(Connection c, AliasAddress address) {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE a.address = ?")) {
            ps.setString(1, address.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("looking up alias " + address, e);
        }
    }

    @Override
    public Optional<Addressee> findAddressee(Connection c, AliasAddress address) {
        try (PreparedStatement ps = c.prepareStatement(SELECT_ADDRESSEE + " WHERE a.address = ?")) {
            ps.setString(1, address.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String state = rs.getString(10);
                return Optional.of(new Addressee(read(rs), Optional.ofNullable(state).map(RelationshipState::fromDb),
                        rs.getBoolean(11)));
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("looking up alias " + address, e);
        }
    }

    @Override
    public Optional<Alias> findByRelationship(Connection c, long relationshipId) {
        return findOne(c, SELECT + " WHERE a.relationship_id = ? AND a.target = 'relationship'", relationshipId,
                "the alias of relationship ");
    }

    @Override
    public Optional<Alias> findOutward(Connection c, long relationshipId) {
        return findOne(c, SELECT + " WHERE a.relationship_id = ? AND a.target = 'outward'", relationshipId,
                "the outward alias of relationship ");
    }

    @Override
    public Optional<Alias> findById(Connection c, long id) {
        return findOne(c, SELECT + " WHERE a.id = ?", id, "alias ");
    }

    private Optional<Alias> findOne(Connection c, String sql, long key, String what) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("looking up " + what + key, e);
        }
    }

    @Override
    public List<Alias> list(Connection c) {
        return query(c, SELECT + " ORDER BY u.login, a.address", null);
    }

    @Override
    public List<Alias> listOf(Connection c, Login owner) {
        return query(c, SELECT + " WHERE u.login = ? ORDER BY a.address", owner.value());
    }

    @Override
    public Map<String, Long> domainsOtherThan(Connection c, String domain) {
        try (PreparedStatement ps = c.prepareStatement("SELECT split_part(address, '@', 2) AS d, count(*)"
                + " FROM mapping.aliases WHERE state <> 'removed' AND split_part(address, '@', 2) <> ?"
                + " GROUP BY d ORDER BY count(*) DESC, d")) {
            ps.setString(1, domain);
            try (ResultSet rs = ps.executeQuery()) {
                Map<String, Long> domains = new LinkedHashMap<>();
                while (rs.next()) {
                    domains.put(rs.getString(1), rs.getLong(2));
                }
                return domains;
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("finding the domains of aliases", e);
        }
    }

    @Override
    public Alias changeState(Connection c, AliasAddress address, AliasState state) {
        Alias current = lockedFind(c, address).orElseThrow(() -> new UnknownAliasException(address));
        if (current.state() == AliasState.REMOVED) {
            throw new RemovedAliasException(address);
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE mapping.aliases SET state = ?, updated_at = now() WHERE id = ?")) {
            ps.setString(1, state.dbValue());
            ps.setLong(2, current.id());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlStates.unexpected("changing the state of alias " + address, e);
        }
        return find(c, address).orElseThrow(() -> new AssertionError("alias row locked"));
    }

    private Optional<Alias> lockedFind(Connection c, AliasAddress address) {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE a.address = ? FOR UPDATE OF a")) {
            ps.setString(1, address.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("locking alias " + address, e);
        }
    }

    private static List<Alias> query(Connection c, String sql, String parameter) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (parameter != null) {
                ps.setString(1, parameter);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<Alias> aliases = new ArrayList<>();
                while (rs.next()) {
                    aliases.add(read(rs));
                }
                return aliases;
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("listing aliases", e);
        }
    }

    private static Alias read(ResultSet rs) throws SQLException {
        return new Alias(rs.getLong(1), new AliasAddress(rs.getString(2)), rs.getLong(3), new Login(rs.getString(4)),
                UserState.fromDb(rs.getString(5)), AliasTarget.fromDb(rs.getString(6), rs.getObject(9, Long.class)),
                AliasState.fromDb(rs.getString(7)), rs.getObject(8, OffsetDateTime.class).toInstant());
    }
}
