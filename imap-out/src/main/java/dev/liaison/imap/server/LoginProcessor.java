package dev.liaison.imap.server;

import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.metrics.api.MetricFactory;

import java.time.Instant;

/**
 * LOGIN: James's, asking the {@link LoginThrottle} first ({@link ThrottledLogins}), with a log line
 * for each refused attempt ({@link FailedAuthentication}) and the moment of a successful one
 * recorded for {@link AccountCheck}.
 */
final class LoginProcessor extends org.apache.james.imap.processor.LoginProcessor {

    private final AccountCheck accounts;
    private final ThrottledLogins throttle;

    LoginProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics,
                   AccountCheck accounts, LoginThrottle throttle) {
        super(mailboxes, responses, metrics);
        this.accounts = accounts;
        this.throttle = new ThrottledLogins(throttle);
    }

    @Override
    protected void doAuth(AuthenticationAttempt attempt, ImapSession session, ImapRequest request,
                          Responder responder, HumanReadableText failed) {
        if (throttle.answeredThrottled(session, attempt.getAuthenticationId(), getStatusResponseFactory(), request,
                responder)) {
            return;
        }
        Instant asked = accounts.now();
        try {
            super.doAuth(attempt, session, request, accounts.recordingLogin(responder, session, asked), failed);
        } catch (UsersUnavailable e) {
            e.answer(getStatusResponseFactory(), request, responder);
            return;
        } finally {
            throttle.checked(session);
        }
    }

    @Override
    protected void manageFailureCount(ImapSession session, ImapRequest request, Responder responder,
                                      HumanReadableText failed) {
        FailedAuthentication.log(session, "credentials");
        throttle.refused(session);
        super.manageFailureCount(session, request, responder, failed);
    }
}
