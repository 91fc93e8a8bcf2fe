package dev.liaison.imap.server;

import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.metrics.api.MetricFactory;

import java.time.Instant;

/**
 * AUTHENTICATE: James's, asking the {@link LoginThrottle} first ({@link ThrottledLogins}), with a
 * log line for each refused attempt ({@link FailedAuthentication}) and the moment of a successful
 * one recorded for {@link AccountCheck}.
 */
final class AuthenticateProcessor extends org.apache.james.imap.processor.AuthenticateProcessor {

    private final AccountCheck accounts;
    private final ThrottledLogins throttle;

    AuthenticateProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics,
                          AccountCheck accounts, LoginThrottle throttle) {
        super(mailboxes, responses, metrics);
        this.accounts = accounts;
        this.throttle = new ThrottledLogins(throttle);
    }

    /** PLAIN without an authorization identity (or an undecodable one): the throttle is asked first. */
    @Override
    protected void doAuth(AuthenticationAttempt attempt, ImapSession session, ImapRequest request, Responder responder,
                          HumanReadableText failed) {
        if (throttle.answeredThrottled(session, attempt.getAuthenticationId(), getStatusResponseFactory(), request,
                responder)) {
            return;
        }
        try {
            super.doAuth(attempt, session, request, responder, failed);
        } finally {
            throttle.checked(session);
        }
    }

    /** PLAIN naming another user as authorization identity (refused by the store): throttled and counted alike. */
    @Override
    protected void doAuthWithDelegation(AuthenticationAttempt attempt, ImapSession session, ImapRequest request,
                                        Responder responder) {
        if (throttle.answeredThrottled(session, attempt.getAuthenticationId(), getStatusResponseFactory(), request,
                responder)) {
            return;
        }
        try {
            super.doAuthWithDelegation(attempt, session, request, responder);
        } finally {
            throttle.checked(session);
        }
    }

    /** Both PLAIN paths: without an authorization identity (James's doAuth) and with one. */
    @Override
    protected void doPlainAuth(String initialClientResponse, ImapSession session, ImapRequest request,
                               Responder responder) {
        Instant asked = accounts.now();
        try {
            super.doPlainAuth(initialClientResponse, session, request, accounts.recordingLogin(responder, session, asked));
        } catch (UsersUnavailable e) {
            e.answer(getStatusResponseFactory(), request, responder);
            session.stopDetectingCommandInjection(); // as James's doPlainAuth, which did not finish
            return;
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
