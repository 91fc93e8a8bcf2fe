package dev.liaison.imap.server;

import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.UidRange;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.AbstractMailboxSelectionRequest;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.processor.fetch.EnvelopeBuilder;
import org.apache.james.imap.processor.fetch.FetchResponseBuilder;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MessageRangeException;
import org.apache.james.mailbox.model.ComposedMessageIdWithMetaData;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.SearchQuery;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SELECT and EXAMINE with the QRESYNC parameter (RFC 7162 §3.2.5.1): "the server sends the client
 * any pending flag changes (using FETCH responses that MUST contain UIDs) and expunges that have
 * occurred in this mailbox since the provided modification sequence". James sends the expunges
 * (VANISHED (EARLIER)) but no FETCH at all, so a resyncing client never learned of flags changed
 * nor messages added while it was away. Here the tagged OK of such a SELECT/EXAMINE is held back
 * while the messages of the client's UID set whose MODSEQ is above the given one are found (one
 * search, {@code modseq > ?} in SQL, then their UID, flags and MODSEQ) and sent as
 * {@code * n FETCH (UID u FLAGS (…) MODSEQ (m))}; then the OK goes out. Not on a UIDVALIDITY
 * mismatch (the client must resync from scratch) nor on a failed selection.
 */
final class QresyncChanges implements ImapProcessor {

    private static final FetchData UID_FLAGS_MODSEQ = FetchData.builder()
            .fetch(FetchData.Item.UID, FetchData.Item.FLAGS, FetchData.Item.MODSEQ).build();

    private final ImapProcessor chain;
    private final MailboxManager mailboxes;

    QresyncChanges(ImapProcessor chain, MailboxManager mailboxes) {
        this.chain = chain;
        this.mailboxes = mailboxes;
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        if (!(message instanceof AbstractMailboxSelectionRequest request)
                || request.getLastKnownUidValidity().isUnknown() || request.getKnownModSeq() == null) {
            return chain.processReactive(message, responder, session);
        }
        HeldAnswer held = new HeldAnswer(responder);
        return chain.processReactive(message, held, session)
                .then(Mono.defer(() -> resynchronising(held) ? changes(request, session, responder) : Mono.empty()))
                .onErrorResume(e -> session.deselect().then(Mono.error(e))) // NO then, and nothing selected
                .then(Mono.fromRunnable(held::release));
    }

    /** Whether the selection succeeded with the client's UIDVALIDITY, so changes are due. */
    private static boolean resynchronising(HeldAnswer held) {
        return held.ok() && !HumanReadableText.QRESYNC_UIDVALIDITY_MISMATCH.equals(held.tagged().orElseThrow().getTextKey());
    }

    /** The FETCH responses of the messages in the request's UID set changed since its MODSEQ. */
    private Mono<Void> changes(AbstractMailboxSelectionRequest request, ImapSession session, Responder responder) {
        SelectedMailbox selected = session.getSelected();
        MailboxSession mailboxSession = session.getMailboxSession();
        long since = request.getKnownModSeq();
        FetchResponseBuilder builder = new FetchResponseBuilder(new EnvelopeBuilder());
        return Mono.from(mailboxes.getMailboxReactive(selected.getMailboxId(), mailboxSession))
                .flatMapMany(mailbox -> changed(mailbox, query(request), mailboxSession)
                        .filter(message -> message.getModSeq().asLong() > since)
                        .concatMap(message -> response(builder, message, mailbox, selected, mailboxSession)))
                .doOnNext(responder::respond)
                .then();
    }

    private static SearchQuery query(AbstractMailboxSelectionRequest request) {
        List<SearchQuery.Criterion> criteria = new ArrayList<>(List.of(SearchQuery.modSeqGreaterThan(request.getKnownModSeq())));
        if (request.getUidSet() != null) {
            criteria.add(SearchQuery.uid(Arrays.stream(request.getUidSet())
                    .map(range -> new SearchQuery.UidRange(range.getLowVal(), range.getHighVal()))
                    .toArray(SearchQuery.UidRange[]::new)));
        }
        return SearchQuery.of(criteria.toArray(SearchQuery.Criterion[]::new));
    }

    /** UID, flags and MODSEQ of the messages the search finds, read a range of consecutive UIDs at a time. */
    private static Flux<ComposedMessageIdWithMetaData> changed(MessageManager mailbox, SearchQuery query,
                                                               MailboxSession session) {
        return Flux.defer(() -> {
            try {
                return Flux.from(mailbox.search(query, session));
            } catch (MailboxException e) {
                return Flux.error(e);
            }
        }).collectList().flatMapIterable(MessageRange::toRanges)
                .concatMap(range -> mailbox.listMessagesMetadata(range, session));
    }

    /** James's FETCH response for the message; none for one this session has not been told of yet. */
    private static Mono<FetchResponse> response(FetchResponseBuilder builder, ComposedMessageIdWithMetaData message,
                                                MessageManager mailbox, SelectedMailbox selected, MailboxSession session) {
        try {
            return builder.build(UID_FLAGS_MODSEQ, message, mailbox, selected, session)
                    .onErrorResume(MessageRangeException.class, e -> Mono.empty());
        } catch (MessageRangeException e) {
            return Mono.empty();
        } catch (MailboxException e) {
            return Mono.error(e);
        }
    }

    @Override
    public void configure(ImapConfiguration configuration) {
        chain.configure(configuration);
    }
}
