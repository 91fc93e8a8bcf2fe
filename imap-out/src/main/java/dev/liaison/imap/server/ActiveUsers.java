package dev.liaison.imap.server;

import java.util.Optional;

/**
 * The question imap-out asks gateway about a logged-in session now and then ({@link AccountCheck}):
 * may this user still use IMAP? gateway answers it from the users in {@code mapping}: false for a
 * disabled or removed user. A changed password keeps the sessions opened with the old one, as
 * Dovecot's do.
 */
@FunctionalInterface
public interface ActiveUsers {

    /** Everyone: for services without user administration (tests). */
    ActiveUsers EVERYONE = user -> true;

    /**
     * Whether {@code user}, a canonical name {@link ImapAuthenticator} returned, is still an active
     * user. Called on I/O worker threads; may block briefly on the database; throws if it cannot tell.
     */
    boolean isActive(String user) throws Exception;

    /**
     * Which active user {@code user} names now, or empty if none is active: a value (compared with
     * {@code equals}) that tells a user apart from a later one given the same name, after the first
     * was removed. A session keeps the value its login found and ends when it changes, so a session
     * of the removed user never becomes the new user's. The default, for services that never give
     * a name again, is the name itself.
     */
    default Optional<Object> activeIdentity(String user) throws Exception {
        return isActive(user) ? Optional.of(user) : Optional.empty();
    }
}
