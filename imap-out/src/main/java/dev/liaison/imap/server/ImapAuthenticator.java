package dev.liaison.imap.server;

import java.util.Optional;

/**
 * The question imap-out asks gateway at LOGIN and AUTHENTICATE PLAIN: are these credentials a
 * user's, and which user? gateway answers it against the users in {@code mapping}.
 *
 * <p>Contract: return the user's canonical name — the same string for every spelling of the login
 * the implementation accepts (e.g. {@code Alice@Example.org} and {@code alice@example.org}) —
 * because that string names the owner of the user's folders. Return empty for unknown users and
 * wrong passwords alike; throw if it cannot tell (the database failed): the client then hears
 * {@code NO [UNAVAILABLE]}, and the attempt is not counted as a failure nor logged as one (a
 * client retrying a saved password during a database outage must not be banned). Called on I/O
 * worker threads; may block briefly on the database. Never log the password.
 */
@FunctionalInterface
public interface ImapAuthenticator {

    Optional<String> authenticate(String login, String password) throws Exception;
}
