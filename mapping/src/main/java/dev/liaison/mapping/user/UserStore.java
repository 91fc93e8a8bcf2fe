package dev.liaison.mapping.user;

import java.sql.Connection;
import java.util.List;
import java.util.Optional;

/**
 * Users, stored in the caller's transaction: methods take the caller's {@link Connection} and
 * never commit.
 */
public interface UserStore {

    /**
     * Adds an active user; {@link InvalidLoginException} if the login breaks the rule for new
     * logins ({@link Login#ofNew}), {@link DuplicateLoginException} if it is taken.
     */
    User add(Connection c, Login login, String displayName, PasswordHash password);

    Optional<User> find(Connection c, Login login);

    /** The stored hash of an active or disabled user, for verification only. */
    Optional<PasswordHash> passwordOf(Connection c, Login login);

    /** All users, ordered by login. */
    List<User> list(Connection c);

    /** {@link UnknownUserException} if there is no such user. */
    void changePassword(Connection c, Login login, PasswordHash password);

    /** {@link UnknownUserException} if there is no such user. */
    User changeState(Connection c, Login login, UserState state);
}
