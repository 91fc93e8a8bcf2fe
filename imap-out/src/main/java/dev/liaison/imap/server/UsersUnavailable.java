package dev.liaison.imap.server;

import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LOGIN or AUTHENTICATE could not be checked: the {@link ImapAuthenticator} (the user database)
 * or the creation of the default folders failed. Not a refusal: James would count it as a failed
 * attempt (three end the connection) and {@link FailedAuthentication} would write the line
 * fail2ban bans on, so a database blip got clients with saved passwords banned. Unchecked, so it
 * passes through James's {@code doAuth}, which turns a {@code MailboxException} into a bare
 * {@code NO}; our Login/AuthenticateProcessor answer {@code NO [UNAVAILABLE]} (RFC 5530) instead.
 */
final class UsersUnavailable extends RuntimeException {

    static final HumanReadableText TRY_LATER = new HumanReadableText("dev.liaison.imap.USERS_UNAVAILABLE",
            "failed. Logins cannot be checked now; try again in a moment");
    private static final Logger LOG = LoggerFactory.getLogger(UsersUnavailable.class);

    UsersUnavailable(String what, Throwable cause) {
        super(what + ": " + cause, cause);
    }

    /** The tagged {@code NO [UNAVAILABLE]}, and one line for the operator. */
    void answer(StatusResponseFactory responses, ImapRequest request, ImapProcessor.Responder responder) {
        LOG.warn("IMAP login could not be checked, the client was told to try again: {}", getMessage());
        responder.respond(responses.taggedNo(request.getTag(), request.getCommand(), TRY_LATER,
                ResponseCodeEncoder.UNAVAILABLE));
        responder.flush();
    }
}
