package dev.liaison.imap.server;

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
}
