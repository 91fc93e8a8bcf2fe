package dev.liaison.imap.server;

import org.apache.james.events.EventBus;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.SelectRequest;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.metrics.api.MetricFactory;
import reactor.core.publisher.Mono;

/**
 * SELECT (RFC 3501 §6.3.1) with the QRESYNC parameter's VANISHED (EARLIER) (RFC 7162 §3.2.5.1)
 * covering expunged UIDs below the first one the folder holds, computed by {@link Vanished};
 * {@link QresyncChanges} adds those above its last and the changed messages' FETCH responses; no
 * MAILBOXID code while OBJECTID is not announced ({@link UnannouncedMailboxId}).
 */
final class SelectProcessor extends org.apache.james.imap.processor.SelectProcessor {

    SelectProcessor(MailboxManager mailboxes, EventBus events, StatusResponseFactory responses, MetricFactory metrics) {
        super(mailboxes, events, responses, metrics);
    }

    /** Without MAILBOXID while OBJECTID is not announced ({@link UnannouncedMailboxId}). */
    @Override
    protected Mono<Void> processRequestReactive(SelectRequest request, ImapSession session, Responder responder) {
        return super.processRequestReactive(request, session,
                UnannouncedMailboxId.unlessAnnounced(responder, getMailboxManager()));
    }

    /** Computed as ranges, not UID by UID ({@link Vanished}). */
    @Override
    protected void respondVanished(SelectedMailbox selected, java.util.List<MessageRange> ranges, Responder responder) {
        Vanished.respond(selected, ranges, responder);
    }

    /**
     * The client's range as it gave it: James raised it to the folder's first UID, so expunged UIDs
     * below it were never reported. {@link Vanished} bounds it at the session's last UID.
     */
    @Override
    protected MessageRange normalizeMessageRange(SelectedMailbox selected, MessageRange range) {
        return range;
    }
}
