package dev.liaison.imap.server;

import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.RenameRequest;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.metrics.api.MetricFactory;
import reactor.core.publisher.Mono;

/**
 * RENAME to a name the store does not take refused with {@code NO [CANNOT]} and the reason
 * ({@link NewFolderName}) before James's processor, which answered "RENAME processing failed" and
 * logged the client's mistake at ERROR with a stack trace. Nothing is renamed.
 */
final class RenameProcessor extends org.apache.james.imap.processor.RenameProcessor {

    RenameProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
        super(mailboxes, responses, metrics);
    }

    @Override
    protected Mono<Void> processRequestReactive(RenameRequest request, ImapSession session, Responder responder) {
        return NewFolderName.problem(request.getNewName(), session)
                .map(problem -> Mono.<Void>fromRunnable(() -> no(request, responder, problem, ResponseCodeEncoder.CANNOT)))
                .orElseGet(() -> super.processRequestReactive(request, session, responder));
    }
}
