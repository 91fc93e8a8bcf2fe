package dev.liaison.gateway.account;

import dev.liaison.imap.server.ActiveUsers;
import dev.liaison.imap.server.ImapAuthenticator;
import dev.liaison.mapping.database.DatabaseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.Optional;

/**
 * IMAP LOGIN answered from the users in {@code mapping}. The canonical name is the login, the
 * same for every spelling the user types ({@code Alex}, {@code alex@domain}), so it names the
 * owner of the user's folders. Logged-in sessions ask again now and then whether their user is
 * still active ({@link ActiveUsers}): a disabled or removed user's sessions end.
 */
public final class ImapAccounts implements ImapAuthenticator, ActiveUsers {

    private static final Logger LOG = LoggerFactory.getLogger(ImapAccounts.class);

    private final PasswordAuthentication passwords;

    public ImapAccounts(PasswordAuthentication passwords) {
        this.passwords = passwords;
    }

    @Override
    public Optional<String> authenticate(String login, String password) {
        try {
            return passwords.authenticate(login, password.toCharArray()).map(user -> user.login().value());
        } catch (SQLException | DatabaseException e) {
            LOG.warn("IMAP login refused: the user database failed ({})", e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public boolean isActive(String user) {
        return passwords.isActive(user); // a database failure throws: the session goes on, asked again later
    }
}
