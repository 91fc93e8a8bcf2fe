package dev.liaison.imap.server;

import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.LogoutRequest;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.metrics.api.MetricFactory;
import reactor.core.publisher.Mono;

/**
 * LOGOUT (RFC 3501 §6.1.3): {@code * BYE}, the tagged OK, then the connection ends. James logged
 * the session out first and wrote the answer after; a LOGOUT pipelined behind another command
 * runs on a worker thread, and James's close could then overtake the queued answer (see
 * {@link ProcessorChain}). Here the answer is written and the session ends after it, through the
 * same path as every command that closes the connection.
 */
final class LogoutProcessor extends org.apache.james.imap.processor.LogoutProcessor {

    LogoutProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
        super(mailboxes, responses, metrics);
    }

    @Override
    protected Mono<Void> processRequestReactive(LogoutRequest request, ImapSession session, Responder responder) {
        return Mono.fromRunnable(() -> {
            bye(responder);
            okComplete(request, responder);
            session.setAttribute(ProcessorChain.CLOSE_AFTER_ANSWER, Boolean.TRUE);
        });
    }
}
