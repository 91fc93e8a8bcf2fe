package dev.liaison.imap.server;

import dev.liaison.imap.store.AddressComments;
import dev.liaison.imap.store.FetchedMessages;
import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.message.BodyFetchElement;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.message.UidRange;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.FetchRequest;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.message.response.VanishedResponse;
import org.apache.james.imap.processor.EnableProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.ComposedMessageIdWithMetaData;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.metrics.api.MetricFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * FETCH: James's, with envelope names as the message writes them ({@link EnvelopeNames}), and
 * ENVELOPE names from legacy comments ({@link AddressComments}, collected by the store while it
 * reads the messages). Only a FETCH that asks for an envelope (ENVELOPE, or BODY/BODYSTRUCTURE,
 * which describe attached messages with one) goes through the fix; FLAGS and body fetches are
 * untouched. Sections of header lines are written with the message's octets ({@link HeaderLines});
 * quoted and literal field names are decoded ({@link HeaderFieldNames}).
 * A UID set selects only the UIDs in it ({@link #withinKnownUids},
 * {@link #normalizeMessageRange}). BODY next to a section is answered ({@link StructureAsBody}).
 */
final class FetchProcessor extends org.apache.james.imap.processor.fetch.FetchProcessor {

    FetchProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
        super(mailboxes, responses, metrics);
    }

    @Override
    protected Mono<Void> processRequestReactive(FetchRequest given, ImapSession session, Responder responder) {
        if (UnannouncedMailboxId.objectIds(given.getFetch(), getMailboxManager())) {
            return Mono.fromRunnable(() -> taggedBad(given, responder, UnannouncedMailboxId.NOT_ANNOUNCED));
        }
        FetchRequest named = HeaderFieldNames.decoded(given);
        FetchRequest known = named.isUseUids() && session.getSelected() != null
                ? withinKnownUids(named, session.getSelected()) : named;
        FetchData fetch = known.getFetch();
        FetchRequest request = StructureAsBody.needed(fetch) ? StructureAsBody.asking(known) : known;
        Responder answer = responder;
        Context context = Context.empty();
        if (HeaderLines.asked(fetch)) {
            FetchedMessages fetched = new FetchedMessages();
            answer = new Rewriting(answer, session.getSelected(), fetched, fetch.getBodyElements());
            context = context.putAll(fetched.context().readOnly());
        }
        if (fetch.contains(FetchData.Item.ENVELOPE)) {
            AddressComments comments = new AddressComments();
            answer = new Unquoting(answer, session.getSelected(), comments);
            context = context.putAll(comments.context().readOnly());
        } else if (fetch.contains(FetchData.Item.BODY) || fetch.contains(FetchData.Item.BODY_STRUCTURE)) {
            answer = new Unquoting(answer, null, null);
        }
        if (StructureAsBody.needed(fetch)) {
            answer = new StructureAsBody(answer, fetch.contains(FetchData.Item.BODY_STRUCTURE));
        }
        if (SeenModSeq.needed(fetch, session)) {
            answer = new SeenModSeq(answer, session);
        }
        Responder answering = answer;
        Context reading = context;
        return vanishedAboveSession(named, session)
                .flatMap(above -> super.processRequestReactive(request, session,
                        above.isEmpty() ? answering : new VanishedAbove(answering, above)).contextWrite(reading));
    }

    /**
     * UID FETCH … (VANISHED) (RFC 7162 §3.2.6) reports the expunged messages "from the UID set
     * parameter"; James's VANISHED (EARLIER) stopped at the session's last UID, so UIDs expunged
     * above it (the newest messages, deleted elsewhere before this session held them) were never
     * reported and a resyncing client kept them. These are found up to the folder's UIDNEXT - 1,
     * also for {@code *} as Dovecot reads it ({@link Vanished#aboveSession}; a folder read and a
     * search, only when the set reaches above the session's last UID).
     */
    private static Mono<List<UidRange>> vanishedAboveSession(FetchRequest request, ImapSession session) {
        SelectedMailbox selected = session.getSelected();
        if (!request.isUseUids() || !request.getFetch().getVanished() || selected == null) {
            return Mono.just(List.of());
        }
        long last = selected.getLastUid().map(MessageUid::asLong).orElse(0L);
        List<long[]> asked = Arrays.stream(request.getIdSet())
                .map(range -> new long[] {range.getLowVal(), range.getHighVal()})
                .filter(range -> range[1] > last)
                .toList();
        if (asked.isEmpty()) {
            return Mono.just(List.of());
        }
        MessageManager mailbox = selected.getMessageManager();
        MailboxSession mailboxSession = session.getMailboxSession();
        try {
            return Mono.from(mailbox.getMetaDataReactive(MessageManager.MailboxMetaData.RecentMode.IGNORE, mailboxSession,
                            EnumSet.of(MessageManager.MailboxMetaData.Item.NextUid)))
                    .flatMap(folder -> Vanished.aboveSession(mailbox, mailboxSession, asked, last,
                            folder.getUidNext().asLong() - 1));
        } catch (MailboxException e) {
            return Mono.error(e);
        }
    }

    /**
     * Adds the UIDs {@link #vanishedAboveSession} found to James's VANISHED (EARLIER), or, when James
     * had none, sends them on their own before the first FETCH (RFC 7162 §3.2.6: VANISHED comes
     * first) or the tagged OK.
     */
    private static final class VanishedAbove implements Responder {
        private final Responder responder;
        private final List<UidRange> above;
        private boolean sent;

        VanishedAbove(Responder responder, List<UidRange> above) {
            this.responder = responder;
            this.above = above;
        }

        @Override
        public void respond(ImapResponseMessage message) {
            if (!sent && message instanceof VanishedResponse james && james.isEarlier()) {
                sent = true;
                // James's stop at the session's last UID, which may have risen since these were found
                List<UidRange> all = Vanished.union(Arrays.asList(james.getUids()), above);
                responder.respond(new VanishedResponse(all.toArray(UidRange[]::new), true));
                return;
            }
            if (!sent && (message instanceof FetchResponse || (message instanceof StatusResponse status
                    && status.getTag() != null && status.getServerResponseType() == StatusResponse.Type.OK))) {
                sent = true;
                responder.respond(new VanishedResponse(above.toArray(UidRange[]::new), true));
            }
            responder.respond(message);
        }

        @Override
        public void flush() {
            responder.flush();
        }
    }

    private static Optional<MessageUid> uid(FetchResponse fetch, SelectedMailbox selected) {
        return fetch.getUid() != null ? Optional.of(fetch.getUid()) : selected.uid(fetch.getMessageNumber().asInt());
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
            return uid(fetch, selected).<EnvelopeNames.CommentNames>map(u -> new MessageNames(comments, u))
                    .orElse(EnvelopeNames.CommentNames.NONE);
        }

        @Override
        public void flush() {
            responder.flush();
        }
    }

    /**
     * BODY (the structure without extension data) asked together with a section ({@code FETCH 1
     * (BODY.PEEK[1] BODY)}): James's response builder makes BODY only when no section is asked
     * (IMAP-333, to spare parsing), so the item was missing, and RFC 9051 §6.4.5 wants every item
     * asked. The request asks James for BODYSTRUCTURE as well, whose structure is the same object
     * (James builds both from the MIME descriptor; only the encoder leaves out the extension data for
     * BODY), and the response gives it as BODY, and as BODYSTRUCTURE only when the client asked.
     */
    private record StructureAsBody(Responder responder, boolean structureAsked) implements Responder {

        static boolean needed(FetchData fetch) {
            return fetch.contains(FetchData.Item.BODY) && !fetch.getBodyElements().isEmpty();
        }

        static FetchRequest asking(FetchRequest request) {
            // not FetchData.Builder.from: it adds MODSEQ to every copy, which enables CONDSTORE
            FetchData fetch = request.getFetch();
            FetchData.Builder more = FetchData.builder()
                    .fetch(Arrays.stream(FetchData.Item.values()).filter(fetch::contains).toList())
                    .fetch(FetchData.Item.BODY_STRUCTURE)
                    .vanished(fetch.getVanished());
            if (fetch.getChangedSince() != -1) {
                more.changedSince(fetch.getChangedSince());
            }
            fetch.getBodyElements().forEach(e -> more.add(e, !fetch.isSetSeen()));
            return new FetchRequest(request.isUseUids(), request.getIdSet(), more.build(), request.getTag());
        }

        @Override
        public void respond(ImapResponseMessage message) {
            if (message instanceof FetchResponse r && r.getBody() == null && r.getBodyStructure() != null) {
                responder.respond(new FetchResponse(r.getMessageNumber(), r.getFlags(), r.getUid(), r.getSaveDate(),
                        r.getModSeq(), r.getInternalDate(), r.getSize(), r.getEnvelope(), r.getBodyStructure(),
                        structureAsked ? r.getBodyStructure() : null, r.getElements(), r.getEmailId(), r.getThreadId()));
            } else {
                responder.respond(message);
            }
        }

        @Override
        public void flush() {
            responder.flush();
        }
    }

    /**
     * MODSEQ (and, under QRESYNC, UID) in the FETCH responses that report the \Seen a body fetch
     * sets (RFC 7162 §3.1.4, §3.2: once CONDSTORE is enabled every untagged FETCH reporting a flag
     * change carries MODSEQ). James added MODSEQ only when the client asked for it, and then the
     * value it read before setting \Seen, so a client's bookkeeping missed the change. The value is
     * read from the store after the change: one metadata read per such response, only in a
     * CONDSTORE session's non-PEEK body fetch.
     */
    private record SeenModSeq(Responder responder, ImapSession session) implements Responder {

        static boolean needed(FetchData fetch, ImapSession session) {
            return fetch.isSetSeen() && session.getSelected() != null && !ReadOnlySelection.isReadOnly(session)
                    && (condstore(session) || qresync(session));
        }

        private static boolean condstore(ImapSession session) {
            return EnableProcessor.getEnabledCapabilities(session).contains(ImapConstants.SUPPORTS_CONDSTORE);
        }

        private static boolean qresync(ImapSession session) {
            return EnableProcessor.getEnabledCapabilities(session).contains(ImapConstants.SUPPORTS_QRESYNC);
        }

        @Override
        public void respond(ImapResponseMessage message) {
            responder.respond(message instanceof FetchResponse r && r.getFlags() != null
                    && r.getFlags().contains(javax.mail.Flags.Flag.SEEN) ? withModSeq(r) : message);
        }

        private FetchResponse withModSeq(FetchResponse r) {
            SelectedMailbox selected = session.getSelected();
            MessageUid uid = selected == null ? null : uid(r, selected).orElse(null);
            if (uid == null) {
                return r;
            }
            ModSeq now = Flux.from(selected.getMessageManager().listMessagesMetadata(MessageRange.one(uid),
                            session.getMailboxSession()))
                    .map(ComposedMessageIdWithMetaData::getModSeq)
                    .blockFirst();
            if (now == null) {
                return r; // expunged meanwhile: the EXPUNGE that follows says so
            }
            return new FetchResponse(r.getMessageNumber(), r.getFlags(), qresync(session) ? uid : r.getUid(),
                    r.getSaveDate(), now, r.getInternalDate(), r.getSize(), r.getEnvelope(), r.getBody(),
                    r.getBodyStructure(), r.getElements(), r.getEmailId(), r.getThreadId());
        }

        @Override
        public void flush() {
            responder.flush();
        }
    }

    /** The names {@link AddressComments} collected for one message. */
    private record MessageNames(AddressComments comments, MessageUid uid) implements EnvelopeNames.CommentNames {
        @Override
        public Optional<String> name(String localPart, String domain) {
            return comments.name(uid, localPart, domain);
        }

        @Override
        public Optional<String> eightBitName(String localPart, String domain) {
            return comments.eightBitName(uid, localPart, domain);
        }
    }

    /** Writes header-line sections with the message's octets ({@link HeaderLines}). */
    private record Rewriting(Responder responder, SelectedMailbox selected, FetchedMessages fetched,
                             Collection<BodyFetchElement> requested) implements Responder {
        @Override
        public void respond(ImapResponseMessage message) {
            responder.respond(message instanceof FetchResponse fetch ? rewritten(fetch) : message);
        }

        private FetchResponse rewritten(FetchResponse fetch) {
            Optional<MessageResult> read = uid(fetch, selected).flatMap(fetched::take);
            if (read.isEmpty()) {
                return fetch; // a FLAGS-only response, or one James made without the store
            }
            try {
                return HeaderLines.rewritten(fetch, requested, read.get());
            } catch (MailboxException | IOException e) {
                throw new IllegalStateException("cannot reread the header of message " + read.get().getUid(), e);
            }
        }

        @Override
        public void flush() {
            responder.flush();
        }
    }
}
