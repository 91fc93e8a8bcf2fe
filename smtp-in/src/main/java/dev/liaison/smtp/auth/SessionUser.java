package dev.liaison.smtp.auth;

import dev.liaison.smtp.submission.AuthenticatedUser;
import java.util.Optional;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * The user an SMTP connection authenticated as. Kept as a connection attachment (it survives RSET
 * and each transaction's reset); James's own {@code username} is set too, because James consults
 * it to refuse a second AUTH and a STARTTLS after AUTH.
 */
public final class SessionUser {

    private static final AttachmentKey<AuthenticatedUser> KEY =
            AttachmentKey.of("liaison.authenticatedUser", AuthenticatedUser.class);

    private SessionUser() {
    }

    public static Optional<AuthenticatedUser> of(SMTPSession session) {
        return session.getAttachment(KEY, State.Connection);
    }

    static void authenticate(SMTPSession session, AuthenticatedUser user, Username login) {
        session.setAttachment(KEY, user, State.Connection);
        session.setUsername(login);
    }
}
