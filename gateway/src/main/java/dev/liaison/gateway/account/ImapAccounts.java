package dev.liaison.gateway.account;

import dev.liaison.imap.server.ImapAuthenticator;
import dev.liaison.mapping.database.DatabaseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.Optional;

/**
 * IMAP LOGIN answered from the users in {@code mapping}. The canonical name is the login, the
 * same for every spelling the user types ({@code Alex}, {@code alex@domain}), so it names the
 * owner of the user's folders.
 */
public final class ImapAccounts implements ImapAuthenticator {

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
}
