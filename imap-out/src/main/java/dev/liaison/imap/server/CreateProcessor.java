package dev.liaison.imap.server;

import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.CreateRequest;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.metrics.api.MetricFactory;
import reactor.core.publisher.Mono;

/**
 * CREATE refusing a name the store does not take ({@code .x}, {@code a..b}, {@code with%pct}, an
 * empty name) with {@code NO [CANNOT]} and the reason ({@link NewFolderName}), before James's
 * processor, which answered "CREATE processing failed" and logged the client's mistake at ERROR
 * with a stack trace. A name that exists already is refused {@code NO [ALREADYEXISTS]} (RFC 5530).
 */
final class CreateProcessor extends org.apache.james.imap.processor.CreateProcessor {

    CreateProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
        super(mailboxes, responses, metrics);
    }

    @Override
    protected Mono<Void> processRequestReactive(CreateRequest request, ImapSession session, Responder responder) {
        return NewFolderName.problem(request.getMailboxName(), session)
                .map(problem -> Mono.<Void>fromRunnable(() -> no(request, responder, problem, ResponseCodeEncoder.CANNOT)))
                .orElseGet(() -> super.processRequestReactive(request, session, responder));
    }
}
