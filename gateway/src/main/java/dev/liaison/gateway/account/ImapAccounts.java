package dev.liaison.gateway.account;

import dev.liaison.imap.server.ActiveUsers;
import dev.liaison.imap.server.ImapAuthenticator;

import java.sql.SQLException;
import java.util.Optional;

/**
 * IMAP LOGIN answered from the users in {@code mapping}. The canonical name is the login, the
 * same for every spelling the user types ({@code Alex}, {@code alex@domain}), so it names the
 * owner of the user's folders. Logged-in sessions ask again now and then whether their user is
 * still active and the same user ({@link ActiveUsers}): a disabled or removed user's sessions end,
 * even when the login was given to a new user since.
 */
public final class ImapAccounts implements ImapAuthenticator, ActiveUsers {

    private final PasswordAuthentication passwords;

    public ImapAccounts(PasswordAuthentication passwords) {
        this.passwords = passwords;
    }

    /** A database failure is thrown, not an empty answer: it is no refusal (imap-out answers NO [UNAVAILABLE]). */
    @Override
    public Optional<String> authenticate(String login, String password) throws SQLException {
        return passwords.authenticate(login, password.toCharArray()).map(user -> user.login().value());
    }

    @Override
    public boolean isActive(String user) {
        return passwords.isActive(user); // a database failure throws: the session goes on, asked again later
    }

    /** The user's id: a login given again after its user was removed names another user. */
    @Override
    public Optional<Object> activeIdentity(String user) {
        return passwords.activeUserId(user).map(id -> id);
    }
}
