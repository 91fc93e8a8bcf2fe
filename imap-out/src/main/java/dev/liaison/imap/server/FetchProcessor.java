package dev.liaison.imap.server;

import dev.liaison.imap.store.AddressComments;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.FetchRequest;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.metrics.api.MetricFactory;
import reactor.core.publisher.Mono;

import java.util.Arrays;
import java.util.Optional;

/**
 * FETCH: James's, with envelope names as the message writes them ({@link EnvelopeNames}), and
 * ENVELOPE names from legacy comments ({@link AddressComments}, collected by the store while it
 * reads the messages). Only a FETCH that asks for an envelope (ENVELOPE, or BODY/BODYSTRUCTURE,
 * which describe attached messages with one) goes through the fix; FLAGS and body fetches are
 * untouched. A UID set selects only the UIDs in it ({@link #withinKnownUids},
 * {@link #normalizeMessageRange}).
 */
final class FetchProcessor extends org.apache.james.imap.processor.fetch.FetchProcessor {

    FetchProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
        super(mailboxes, responses, metrics);
    }

    @Override
    protected Mono<Void> processRequestReactive(FetchRequest given, ImapSession session, Responder responder) {
        FetchRequest request = given.isUseUids() && session.getSelected() != null
                ? withinKnownUids(given, session.getSelected()) : given;
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

    /**
     * A UID FETCH without the ranges of its set that lie wholly above the UIDs the session knows;
     * in an empty folder, without any (James answered BAD). A range with {@code *} is kept: {@code *}
     * is the highest UID in use (RFC 9051 §9, seq-number), which James resolves. The others are
     * bounded by {@link #normalizeMessageRange}.
     */
    private static FetchRequest withinKnownUids(FetchRequest request, SelectedMailbox selected) {
        Optional<MessageUid> last = selected.getLastUid();
        IdRange[] kept = Arrays.stream(request.getIdSet())
                .filter(range -> last.isPresent()
                        && (range.getHighVal() == Long.MAX_VALUE || range.getLowVal() <= last.get().asLong()))
                .toArray(IdRange[]::new);
        return kept.length == request.getIdSet().length ? request
                : new FetchRequest(true, kept, request.getFetch(), request.getTag());
    }

    /** Computed as ranges, not UID by UID ({@link Vanished}). */
    @Override
    protected void respondVanished(SelectedMailbox selected, java.util.List<MessageRange> ranges, Responder responder) {
        Vanished.respond(selected, ranges, responder);
    }

    /**
     * Cut at the last known UID, not raised to the first ({@link KnownUidBound}): RFC 9051 §6.4.9,
     * only messages whose UIDs are in the set; {@code UID FETCH 1:2} of UIDs 3..5 returned all
     * three, {@code 1:2,4} returned 4 twice. A range below the first UID finds nothing and, with
     * VANISHED, reports its UIDs as expunged.
     */
    @Override
    protected MessageRange normalizeMessageRange(SelectedMailbox selected, MessageRange range) {
        return KnownUidBound.cut(selected, range).orElseGet(() -> super.normalizeMessageRange(selected, range));
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
