package dev.liaison.imap.server;

import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.CheckRequest;
import org.apache.james.imap.processor.AbstractMailboxProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.util.MDCBuilder;
import reactor.core.publisher.Mono;

/**
 * CHECK (RFC 3501 §6.4.1): the store has nothing to checkpoint (every change is committed when it
 * is answered), so like NOOP it reports what changed, asking the store first ({@link NewMessages})
 * instead of relying on notifications alone as James's processor did.
 */
final class CheckProcessor extends AbstractMailboxProcessor<CheckRequest> {

    CheckProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
        super(CheckRequest.class, mailboxes, responses, metrics);
    }

    @Override
    protected Mono<Void> processRequestReactive(CheckRequest request, ImapSession session, Responder responder) {
        return NewMessages.learn(session)
                .then(unsolicitedResponses(session, responder, false))
                .then(Mono.fromRunnable(() -> okComplete(request, responder)));
    }

    @Override
    protected MDCBuilder mdc(CheckRequest request) {
        return MDCBuilder.create().addToContext(MDCBuilder.ACTION, "CHECK");
    }
}
