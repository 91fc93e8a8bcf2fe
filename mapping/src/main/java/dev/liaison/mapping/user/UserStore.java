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

    /**
     * The user, their row locked until the caller's transaction ends: nobody enables, renames or
     * removes them meanwhile.
     */
    Optional<User> lock(Connection c, Login login);

    /**
     * Deletes the user and all that is theirs in {@code mapping}: aliases, relationships, legacy
     * correspondents and the Message-IDs kept for them. Their alias addresses are retired (kept,
     * ownerless, so that no alias is ever made with one again). Rows of other schemas that name one
     * of the user's relationships must be gone first. Returns how many addresses were retired;
     * {@link UnknownUserException} if there is no such user.
     */
    int remove(Connection c, Login login);
}
