package dev.liaison.imap.server;

import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.UidRange;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.AbstractMailboxSelectionRequest;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.message.response.VanishedResponse;
import org.apache.james.imap.processor.fetch.EnvelopeBuilder;
import org.apache.james.imap.processor.fetch.FetchResponseBuilder;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
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
 *
 * <p>James's VANISHED (EARLIER) ({@link Vanished}) stops at the highest UID the folder still holds,
 * so UIDs expunged above it (the newest messages, deleted elsewhere) were never reported and the
 * client kept them. The client may know any UID below the UIDNEXT the selection announced; the
 * UIDs of its set between the session's last UID and that UIDNEXT that no message has (one search,
 * only when there are such UIDs: a message may have arrived since the session read the folder)
 * are added to James's VANISHED (EARLIER), which is held back for that and sent as one response.
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
        Selection selection = new Selection(responder);
        HeldAnswer held = new HeldAnswer(selection);
        return chain.processReactive(message, held, session)
                .then(Mono.defer(() -> resynchronising(held) ? resynchronise(request, session, selection)
                        : Mono.fromRunnable(() -> selection.vanished(List.of()))))
                .onErrorResume(e -> session.deselect().then(Mono.error(e))) // NO then, and nothing selected
                .then(Mono.fromRunnable(held::release));
    }

    /** Whether the selection succeeded with the client's UIDVALIDITY, so changes are due. */
    private static boolean resynchronising(HeldAnswer held) {
        return held.ok() && !HumanReadableText.QRESYNC_UIDVALIDITY_MISMATCH.equals(held.tagged().orElseThrow().getTextKey());
    }

    /** The VANISHED (EARLIER) response, completed, then the FETCH responses of the changes. */
    private Mono<Void> resynchronise(AbstractMailboxSelectionRequest request, ImapSession session, Selection selection) {
        SelectedMailbox selected = session.getSelected();
        MailboxSession mailboxSession = session.getMailboxSession();
        return Mono.from(mailboxes.getMailboxReactive(selected.getMailboxId(), mailboxSession))
                .flatMap(mailbox -> vanishedAboveSession(request, selected, selection.uidNext, mailbox, mailboxSession)
                        .doOnNext(selection::vanished)
                        .then(changes(request, session, mailbox, selection.responder)));
    }

    /**
     * The UIDs of the client's set (all UIDs when it gave none) above the session's last and below
     * the announced UIDNEXT that no message has ({@link Vanished#aboveSession}).
     */
    private static Mono<List<UidRange>> vanishedAboveSession(AbstractMailboxSelectionRequest request,
                                                             SelectedMailbox selected, long uidNext,
                                                             MessageManager mailbox, MailboxSession session) {
        long last = selected.getLastUid().map(MessageUid::asLong).orElse(0L);
        List<long[]> asked = request.getUidSet() == null ? List.<long[]>of(new long[] {1, uidNext - 1})
                : Arrays.stream(request.getUidSet())
                        .map(range -> new long[] {range.getLowVal().asLong(), range.getHighVal().asLong()}).toList();
        return Vanished.aboveSession(mailbox, session, asked, last, uidNext - 1);
    }

    /** The FETCH responses of the messages in the request's UID set changed since its MODSEQ. */
    private static Mono<Void> changes(AbstractMailboxSelectionRequest request, ImapSession session, MessageManager mailbox,
                                      Responder responder) {
        SelectedMailbox selected = session.getSelected();
        MailboxSession mailboxSession = session.getMailboxSession();
        long since = request.getKnownModSeq();
        FetchResponseBuilder builder = new FetchResponseBuilder(new EnvelopeBuilder());
        return changed(mailbox, query(request), mailboxSession)
                .filter(message -> message.getModSeq().asLong() > since)
                .concatMap(message -> response(builder, message, mailbox, selected, mailboxSession))
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
        return search(mailbox, query, session).collectList().flatMapIterable(MessageRange::toRanges)
                .concatMap(range -> mailbox.listMessagesMetadata(range, session));
    }

    /** The UIDs of the messages {@code query} finds. */
    private static Flux<MessageUid> search(MessageManager mailbox, SearchQuery query, MailboxSession session) {
        return Flux.defer(() -> {
            try {
                return Flux.from(mailbox.search(query, session));
            } catch (MailboxException e) {
                return Flux.error(e);
            }
        });
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

    /**
     * Passes the selection's answer on, noting the UIDNEXT it announces and keeping James's VANISHED
     * (EARLIER) back to be completed by {@link #vanished}.
     */
    private static final class Selection implements Responder {
        private static final String UIDNEXT = "UIDNEXT";
        private final Responder responder;
        private final List<UidRange> vanished = new ArrayList<>();
        private long uidNext = 1;

        Selection(Responder responder) {
            this.responder = responder;
        }

        @Override
        public void respond(ImapResponseMessage message) {
            if (message instanceof VanishedResponse earlier && earlier.isEarlier()) {
                vanished.addAll(Arrays.asList(earlier.getUids()));
                return;
            }
            if (message instanceof StatusResponse status && status.getTag() == null && status.getResponseCode() != null
                    && UIDNEXT.equals(status.getResponseCode().getCode())) {
                uidNext = status.getResponseCode().getNumber();
            }
            responder.respond(message);
        }

        /** Sends James's VANISHED (EARLIER) with {@code more} UIDs, as one response, if any UID is gone. */
        void vanished(List<UidRange> more) {
            vanished.addAll(more);
            List<UidRange> gone = UidRange.mergeRanges(vanished);
            if (!gone.isEmpty()) {
                responder.respond(new VanishedResponse(gone.toArray(UidRange[]::new), true));
            }
            vanished.clear();
        }

        @Override
        public void flush() {
            responder.flush();
        }
    }
}
