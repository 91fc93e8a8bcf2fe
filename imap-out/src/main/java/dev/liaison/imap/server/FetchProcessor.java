package dev.liaison.imap.server;

import dev.liaison.imap.store.AddressComments;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.FetchRequest;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.metrics.api.MetricFactory;
import reactor.core.publisher.Mono;

import java.util.Optional;

/**
 * FETCH: James's, with envelope names as the message writes them ({@link EnvelopeNames}), and
 * ENVELOPE names from legacy comments ({@link AddressComments}, collected by the store while it
 * reads the messages). Only a FETCH that asks for an envelope (ENVELOPE, or BODY/BODYSTRUCTURE,
 * which describe attached messages with one) goes through the fix; FLAGS and body fetches are
 * untouched.
 */
final class FetchProcessor extends org.apache.james.imap.processor.fetch.FetchProcessor {

    FetchProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
        super(mailboxes, responses, metrics);
    }

    @Override
    protected Mono<Void> processRequestReactive(FetchRequest request, ImapSession session, Responder responder) {
        FetchData fetch = request.getFetch();
        if (fetch.contains(FetchData.Item.ENVELOPE)) {
            AddressComments comments = new AddressComments();
            return super.processRequestReactive(request, session, new Unquoting(responder, session.getSelected(),
                    comments)).contextWrite(comments.context());
        }
        boolean envelopes = fetch.contains(FetchData.Item.BODY) || fetch.contains(FetchData.Item.BODY_STRUCTURE);
        return super.processRequestReactive(request, session, envelopes ? new Unquoting(responder, null, null)
                : responder);
    }

    /** Fixes envelope names; names ENVELOPE addresses from comments when {@code comments} is set. */
    private record Unquoting(Responder responder, SelectedMailbox selected, AddressComments comments)
            implements Responder {
        @Override
        public void respond(ImapResponseMessage message) {
            responder.respond(message instanceof FetchResponse fetch ? EnvelopeNames.unquoted(fetch, names(fetch))
                    : message);
        }

        private EnvelopeNames.CommentNames names(FetchResponse fetch) {
            if (comments == null || fetch.getEnvelope() == null) {
                return EnvelopeNames.CommentNames.NONE;
            }
            Optional<MessageUid> uid = fetch.getUid() != null ? Optional.of(fetch.getUid())
                    : selected.uid(fetch.getMessageNumber().asInt());
            return uid.<EnvelopeNames.CommentNames>map(u -> (localPart, domain) -> comments.name(u, localPart, domain))
                    .orElse(EnvelopeNames.CommentNames.NONE);
        }

        @Override
        public void flush() {
            responder.flush();
        }
    }
}
