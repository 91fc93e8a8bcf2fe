package dev.liaison.imap.server;

import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.main.PathConverter;
import org.apache.james.imap.message.request.StatusRequest;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.metrics.api.MetricFactory;
import reactor.core.publisher.Mono;

/**
 * STATUS of a folder of the user's that does not exist answers {@code NO} saying so. James's
 * processor answered "STATUS failed" and logged the client's question at ERROR with a stack trace,
 * so a client polling a folder it remembers (Thunderbird does, for subscribed folders) could fill
 * the server's log; it carries RFC 5530's {@code [NONEXISTENT]}. Another user's folder gets James's
 * refusal, the same whether it exists or not.
 */
final class StatusProcessor extends org.apache.james.imap.processor.StatusProcessor {

    private static final HumanReadableText NO_SUCH_FOLDER = new HumanReadableText("liaison.status.nonexistent",
            "No such folder; LIST shows the folders there are");

    StatusProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
        super(mailboxes, responses, metrics);
    }

    @Override
    protected Mono<Void> processRequestReactive(StatusRequest request, ImapSession session, Responder responder) {
        if (request.getStatusDataItems().isMailboxId() && !UnannouncedMailboxId.announced(getMailboxManager())) {
            return Mono.fromRunnable(() -> taggedBad(request, responder, UnannouncedMailboxId.NOT_ANNOUNCED));
        }
        MailboxPath path;
        try {
            path = PathConverter.forSession(session).buildFullPath(request.getMailboxName());
        } catch (RuntimeException unreadable) {
            return super.processRequestReactive(request, session, responder); // refused in James's words
        }
        if (!path.belongsTo(session.getMailboxSession())) {
            // another user's name (nothing is shared): James's refusal, whether it exists or not,
            // without its log line
            return Mono.fromRunnable(() -> no(request, responder, HumanReadableText.STATUS_FAILED));
        }
        return Mono.from(getMailboxManager().mailboxExists(path, session.getMailboxSession()))
                .flatMap(exists -> exists
                        ? super.processRequestReactive(request, session, responder).thenReturn(true)
                        : Mono.fromRunnable(() -> no(request, responder, NO_SUCH_FOLDER, ResponseCodeEncoder.NONEXISTENT))
                                .thenReturn(false))
                .then();
    }
}
