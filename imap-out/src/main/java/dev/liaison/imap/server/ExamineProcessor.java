package dev.liaison.imap.server;

import org.apache.james.events.EventBus;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.ExamineRequest;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.metrics.api.MetricFactory;
import reactor.core.publisher.Mono;

/**
 * EXAMINE (RFC 3501 §6.3.2) with the QRESYNC parameter's VANISHED (EARLIER) (RFC 7162 §3.2.5.1)
 * covering expunged UIDs below the first one the folder holds, computed by {@link Vanished};
 * {@link QresyncChanges} adds those above its last and the changed messages' FETCH responses.
 */
final class ExamineProcessor extends org.apache.james.imap.processor.ExamineProcessor {

    ExamineProcessor(MailboxManager mailboxes, EventBus events, StatusResponseFactory responses, MetricFactory metrics) {
        super(mailboxes, events, responses, metrics);
    }

    /**
     * The messages EXAMINE finds recent are shown so without being taken
     * ({@link OneSessionRecent#examined}), noted before its {@code * n RECENT} is written; no
     * MAILBOXID code while OBJECTID is not announced ({@link UnannouncedMailboxId}).
     */
    @Override
    protected Mono<Void> processRequestReactive(ExamineRequest request, ImapSession session, Responder responder) {
        Responder examining = new Responder() {
            @Override
            public void respond(org.apache.james.imap.api.message.response.ImapResponseMessage message) {
                if (message instanceof org.apache.james.imap.message.response.RecentResponse) {
                    OneSessionRecent.examined(session);
                }
                responder.respond(message);
            }

            @Override
            public void flush() {
                responder.flush();
            }
        };
        return super.processRequestReactive(request, session,
                UnannouncedMailboxId.unlessAnnounced(examining, getMailboxManager()));
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
