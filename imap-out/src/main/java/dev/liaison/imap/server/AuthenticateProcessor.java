package dev.liaison.imap.server;

import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.metrics.api.MetricFactory;

/** AUTHENTICATE: James's, with a log line for each refused attempt ({@link FailedAuthentication}). */
final class AuthenticateProcessor extends org.apache.james.imap.processor.AuthenticateProcessor {

    AuthenticateProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
        super(mailboxes, responses, metrics);
    }

    @Override
    protected void manageFailureCount(ImapSession session, ImapRequest request, Responder responder,
                                      HumanReadableText failed) {
        FailedAuthentication.log(session);
        super.manageFailureCount(session, request, responder, failed);
    }
}
