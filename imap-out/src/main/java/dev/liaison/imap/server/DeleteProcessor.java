package dev.liaison.imap.server;

import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.DeleteRequest;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.metrics.api.MetricFactory;
import reactor.core.publisher.Mono;

/**
 * DELETE (RFC 3501 §6.3.4, RFC 9051 §6.3.5) refusing INBOX, in any letter case (§5.1: the name
 * INBOX is case-insensitive) and under any prefix James reads as the user's own namespace
 * ({@code #private.INBOX}): "It is an error to attempt to delete INBOX". James's processor
 * deleted it, with its mail, and answered OK. Refused before James's processor runs, so a session
 * that has INBOX selected keeps it selected.
 */
final class DeleteProcessor extends org.apache.james.imap.processor.DeleteProcessor {

    private static final HumanReadableText INBOX_KEPT = new HumanReadableText("liaison.delete.inbox",
            "INBOX cannot be deleted (RFC 9051 6.3.5); delete its messages instead");

    DeleteProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
        super(mailboxes, responses, metrics);
    }

    @Override
    protected Mono<Void> processRequestReactive(DeleteRequest request, ImapSession session, Responder responder) {
        if (InboxName.names(request.getMailboxName(), session)) {
            return Mono.fromRunnable(() -> no(request, responder, INBOX_KEPT));
        }
        return super.processRequestReactive(request, session, responder);
    }
}
