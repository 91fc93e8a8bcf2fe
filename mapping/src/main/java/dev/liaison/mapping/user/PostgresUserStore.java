package dev.liaison.mapping.user;

import dev.liaison.mapping.database.SqlStates;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link UserStore} on the {@code mapping.users} table. */
public final class PostgresUserStore implements UserStore {

    private static final String COLUMNS = "id, login, display_name, state, created_at, updated_at";

    @Override
    public User add(Connection c, Login login, String displayName, PasswordHash password) {
        String sql = "INSERT INTO mapping.users (login, display_name, password_hash, state) VALUES (?, ?, ?, 'active')"
                + " RETURNING " + COLUMNS;
        Login.ofNew(login.value()); // the rule for new logins; existing users keep theirs
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, login.value());
            ps.setString(2, InvalidDisplayNameException.check(displayName));
            ps.setString(3, password.encoded());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return read(rs);
            }
        } catch (SQLException e) {
            if (SqlStates.isUniqueViolation(e)) {
                throw new DuplicateLoginException(login);
            }
            throw SqlStates.unexpected("adding user " + login, e);
        }
    }

    @Override
    public Optional<User> find(Connection c, Login login) {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM mapping.users WHERE login = ?")) {
            ps.setString(1, login.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("reading user " + login, e);
        }
    }

    @Override
    public Optional<PasswordHash> passwordOf(Connection c, Login login) {
        try (PreparedStatement ps = c.prepareStatement("SELECT password_hash FROM mapping.users WHERE login = ?")) {
            ps.setString(1, login.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(PasswordHash.parse(rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("reading the password of " + login, e);
        }
    }

    @Override
    public List<User> list(Connection c) {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM mapping.users ORDER BY login");
             ResultSet rs = ps.executeQuery()) {
            List<User> users = new ArrayList<>();
            while (rs.next()) {
                users.add(read(rs));
            }
            return users;
        } catch (SQLException e) {
            throw SqlStates.unexpected("listing users", e);
        }
    }

    @Override
    public void changePassword(Connection c, Login login, PasswordHash password) {
        String sql = "UPDATE mapping.users SET password_hash = ?, updated_at = now() WHERE login = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, password.encoded());
            ps.setString(2, login.value());
            if (ps.executeUpdate() == 0) {
                throw new UnknownUserException(login);
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("changing the password of " + login, e);
        }
    }

    @Override
    public User changeState(Connection c, Login login, UserState state) {
        String sql = "UPDATE mapping.users SET state = ?, updated_at = now() WHERE login = ? RETURNING " + COLUMNS;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, state.dbValue());
            ps.setString(2, login.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new UnknownUserException(login);
                }
                return read(rs);
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("changing the state of " + login, e);
        }
    }

    @Override
    public Optional<User> lock(Connection c, Login login) {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM mapping.users WHERE login = ? FOR UPDATE")) {
            ps.setString(1, login.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("locking user " + login, e);
        }
    }

    private static final String RETIRE = "INSERT INTO mapping.retired_aliases (address)"
            + " SELECT address FROM mapping.aliases WHERE user_id = ? ON CONFLICT DO NOTHING";

    /**
     * In the order the foreign keys need: correspondents name aliases (via_alias) and relationships,
     * aliases name relationships, relationships the user. Received and sent Message-IDs cascade.
     */
    private static final List<String> DELETIONS = List.of(
            "DELETE FROM mapping.legacy_correspondents WHERE user_id = ?",
            "DELETE FROM mapping.aliases WHERE user_id = ?",
            "DELETE FROM mapping.relationships WHERE user_id = ?",
            "DELETE FROM mapping.users WHERE id = ?");

    @Override
    public int remove(Connection c, Login login) {
        long id = lock(c, login).orElseThrow(() -> new UnknownUserException(login)).id();
        try {
            int retired = update(c, RETIRE, id);
            for (String sql : DELETIONS) {
                update(c, sql, id);
            }
            return retired;
        } catch (SQLException e) {
            throw SqlStates.unexpected("removing user " + login, e);
        }
    }

    private static int update(Connection c, String sql, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, userId);
            return ps.executeUpdate();
        }
    }

    private static User read(ResultSet rs) throws SQLException {
        return new User(rs.getLong(1), new Login(rs.getString(2)), rs.getString(3), UserState.fromDb(rs.getString(4)),
                rs.getObject(5, OffsetDateTime.class).toInstant(), rs.getObject(6, OffsetDateTime.class).toInstant());
    }
}
