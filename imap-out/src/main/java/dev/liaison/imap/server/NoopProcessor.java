package dev.liaison.imap.server;

import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.NoopRequest;
import org.apache.james.imap.processor.AbstractMailboxProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.util.MDCBuilder;
import reactor.core.publisher.Mono;

/**
 * NOOP (RFC 3501 §6.1.2), the client's "anything new?". Replaces James's, which reported only
 * what notifications had already brought: a message delivered just before the NOOP, or whose
 * notification was lost, went unreported although STATUS showed it. This one asks the store
 * first ({@link NewMessages}).
 */
final class NoopProcessor extends AbstractMailboxProcessor<NoopRequest> {

    NoopProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
        super(NoopRequest.class, mailboxes, responses, metrics);
    }

    @Override
    protected Mono<Void> processRequestReactive(NoopRequest request, ImapSession session, Responder responder) {
        return NewMessages.learn(session)
                .then(unsolicitedResponses(session, responder, false))
                .then(Mono.fromRunnable(() -> okComplete(request, responder)));
    }

    @Override
    protected MDCBuilder mdc(NoopRequest request) {
        return MDCBuilder.create().addToContext(MDCBuilder.ACTION, "NOOP");
    }
}
