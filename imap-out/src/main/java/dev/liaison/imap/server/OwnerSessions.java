package dev.liaison.imap.server;

import dev.liaison.imap.store.DefaultFolders;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.exception.BadCredentialsException;
import org.apache.james.mailbox.exception.ForbiddenDelegationException;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.MailboxConstants;

import javax.sql.DataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * James's session provider for imap-out: a session belongs to the canonical user the
 * {@link ImapAuthenticator} names, never to the login string as typed, so two spellings of one
 * login see the same folders and no spelling reaches anyone else's. Nobody may act as another
 * user (SASL authorization identities other than oneself are refused), and there is no login
 * without a password. The first successful login creates the user's default folders.
 */
final class OwnerSessions implements SessionProvider {

    private final ImapAuthenticator authenticator;
    private final DataSource dataSource;
    private final SecureRandom random = new SecureRandom();

    OwnerSessions(ImapAuthenticator authenticator, DataSource dataSource) {
        this.authenticator = authenticator;
        this.dataSource = dataSource;
    }

    @Override
    public MailboxSession createSystemSession(Username userName) {
        return session(userName, MailboxSession.SessionType.System);
    }

    @Override
    public AuthorizationStep authenticate(Username login, String password) {
        return new AuthorizationStep() {
            @Override
            public MailboxSession as(Username other) throws MailboxException {
                Username owner = owner(login, password);
                if (!owner.equals(other) && !login.equals(other)) {
                    throw new ForbiddenDelegationException(login, other);
                }
                return session(owner, MailboxSession.SessionType.User);
            }

            @Override
            public MailboxSession withoutDelegation() throws MailboxException {
                return session(owner(login, password), MailboxSession.SessionType.User);
            }

            @Override
            public MailboxSession forMatchingUser(Predicate<Username> other) throws MailboxException {
                throw new ForbiddenDelegationException(login);
            }
        };
    }

    /** Password-less logins (OIDC, delegation) do not exist here. */
    @Override
    public AuthorizationStep authenticate(Username login) {
        return new AuthorizationStep() {
            @Override
            public MailboxSession as(Username other) throws MailboxException {
                throw new BadCredentialsException();
            }

            @Override
            public MailboxSession withoutDelegation() throws MailboxException {
                throw new BadCredentialsException();
            }

            @Override
            public MailboxSession forMatchingUser(Predicate<Username> other) throws MailboxException {
                throw new BadCredentialsException();
            }
        };
    }

    private Username owner(Username login, String password) throws MailboxException {
        Optional<String> owner;
        try {
            owner = authenticator.authenticate(login.asString(), password);
        } catch (Exception e) { // could not tell: not a refusal (no failure counted, no fail2ban line)
            throw new UsersUnavailable("the user database failed", e);
        }
        if (owner.isEmpty() || owner.get().isBlank()) {
            throw new BadCredentialsException();
        }
        provision(owner.get());
        return Username.of(owner.get());
    }

    private void provision(String owner) {
        try (Connection c = dataSource.getConnection()) {
            DefaultFolders.provision(c, owner);
        } catch (SQLException e) {
            throw new UsersUnavailable("the default folders could not be created", e);
        }
    }

    private MailboxSession session(Username user, MailboxSession.SessionType type) {
        return new MailboxSession(MailboxSession.SessionId.of(random.nextLong()), user, Optional.of(user),
                new ArrayList<>(), MailboxConstants.DEFAULT_DELIMITER, type);
    }
}
