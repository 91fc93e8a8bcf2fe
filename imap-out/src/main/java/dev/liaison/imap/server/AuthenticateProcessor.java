package dev.liaison.imap.server;

import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.metrics.api.MetricFactory;

import java.time.Instant;

/**
 * AUTHENTICATE: James's, with a log line for each refused attempt ({@link FailedAuthentication})
 * and the moment of a successful one recorded for {@link AccountCheck}.
 */
final class AuthenticateProcessor extends org.apache.james.imap.processor.AuthenticateProcessor {

    private final AccountCheck accounts;

    AuthenticateProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics,
                          AccountCheck accounts) {
        super(mailboxes, responses, metrics);
        this.accounts = accounts;
    }

    /** Both PLAIN paths: without an authorization identity (James's doAuth) and with one. */
    @Override
    protected void doPlainAuth(String initialClientResponse, ImapSession session, ImapRequest request,
                               Responder responder) {
        Instant asked = accounts.now();
        try {
            super.doPlainAuth(initialClientResponse, session, request, responder);
        } catch (UsersUnavailable e) {
            e.answer(getStatusResponseFactory(), request, responder);
            session.stopDetectingCommandInjection(); // as James's doPlainAuth, which did not finish
            return;
        }
        if (session.getState() == ImapSessionState.AUTHENTICATED) {
            accounts.loggedIn(session, asked);
        }
    }

    @Override
    protected void manageFailureCount(ImapSession session, ImapRequest request, Responder responder,
                                      HumanReadableText failed) {
        FailedAuthentication.log(session);
        super.manageFailureCount(session, request, responder, failed);
    }
}
