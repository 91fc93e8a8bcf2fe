package dev.liaison.gateway.account;

import dev.liaison.mapping.database.DatabaseException;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.User;
import dev.liaison.mapping.user.UserStore;
import dev.liaison.smtp.submission.AuthenticatedUser;
import dev.liaison.smtp.submission.Credentials;
import dev.liaison.smtp.submission.SubmissionAuthenticator;
import dev.liaison.smtp.submission.TemporaryFailureException;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * SMTP AUTH answered from the users in {@code mapping}; the authenticated id is the login, its
 * identity the user's row id (a login given again after its user was removed names another row).
 */
public final class SubmissionAccounts implements SubmissionAuthenticator {

    private final PasswordAuthentication passwords;

    public SubmissionAccounts(PasswordAuthentication passwords) {
        this.passwords = passwords;
    }

    /**
     * The user {@code sender} authenticated as, if still active and still that user: one disabled
     * or removed since, or a login given to someone else since (another row), is not. Asked again
     * for a connection kept open, at RCPT and in the transaction that commits a message.
     */
    public static Optional<User> stillActive(Connection c, UserStore users, AuthenticatedUser sender) {
        return users.find(c, Login.of(sender.id())).filter(User::active)
                .filter(u -> sender.identity() == null || sender.identity().equals(String.valueOf(u.id())));
    }

    @Override
    public Optional<AuthenticatedUser> authenticate(Credentials credentials) throws TemporaryFailureException {
        try {
            return passwords.authenticate(credentials.login(), credentials.password().toCharArray())
                    .map(user -> new AuthenticatedUser(user.login().value(), String.valueOf(user.id())));
        } catch (SQLException | DatabaseException e) {
            throw new TemporaryFailureException("user database failed: " + e.getMessage(), e);
        }
    }
}
