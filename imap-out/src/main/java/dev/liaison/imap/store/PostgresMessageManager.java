package dev.liaison.imap.store;

import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.model.MailboxACL;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.MailboxPathLocker;
import org.apache.james.mailbox.store.BatchSizes;
import org.apache.james.mailbox.store.MessageStorer;
import org.apache.james.mailbox.store.PreDeletionHooks;
import org.apache.james.mailbox.store.StoreRightManager;
import org.apache.james.mailbox.store.quota.QuotaComponents;
import org.apache.james.mailbox.store.search.MessageSearchIndex;
import org.apache.james.mailbox.store.ResultUtils;
import org.apache.james.mailbox.store.StoreMessageManager;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

import javax.mail.Flags;
import java.util.EnumSet;
import java.util.List;

/**
 * One folder's messages, as James's {@link StoreMessageManager} serves them, with seven changes:
 * keywords are permanent (PERMANENTFLAGS includes {@code \*}, RFC 3501 §7.1), numbered FETCH
 * sections are found by {@link BodySections} ({@link SectionedMessageResult}) instead of James's
 * token-stream walk, legacy comment and 8-bit names are collected for ENVELOPE ({@link AddressComments}),
 * a FETCH of header lines is handed its messages to write them octet for octet ({@link FetchedMessages}),
 * an APPEND of a copy the gateway filed already is not stored twice ({@link AppendedCopies}),
 * a UID COPY or UID MOVE whose message another session took away meanwhile copies or moves the rest
 * (by sequence numbers, nothing: {@link WholeSet}), and \Recent is one session's ({@link RecentClaims}).
 */
final class PostgresMessageManager extends StoreMessageManager implements RecentClaims {

    /**
     * Each attempt follows another session's taking a message of the range away between this
     * one's read and write; a few are plenty, then the command fails as before.
     */
    private static final Retry TAKEN_AWAY = Retry.max(5).filter(ExpungedMeanwhile.class::isInstance)
            .onRetryExhaustedThrow((spec, signal) -> signal.failure());
    private final PostgresMailboxSessionMapperFactory mappers;
    private final StoreRightManager rights;

    PostgresMessageManager(Mailbox mailbox, Parts parts) {
        super(EnumSet.noneOf(MailboxManager.MessageCapabilities.class), parts.mappers(), parts.searchIndex(), parts.eventBus(),
                parts.locker(), mailbox, parts.quotas().getQuotaManager(), parts.quotas().getQuotaRootResolver(),
                parts.batchSizes(), parts.rights(), parts.preDeletionHooks(), parts.storer());
        this.mappers = parts.mappers();
        this.rights = parts.rights();
    }

    /** The mailbox manager's parts that James's message manager needs. */
    record Parts(PostgresMailboxSessionMapperFactory mappers, MessageSearchIndex searchIndex, EventBus eventBus,
                 MailboxPathLocker locker, QuotaComponents quotas, BatchSizes batchSizes, StoreRightManager rights,
                 PreDeletionHooks preDeletionHooks, MessageStorer storer) {
    }

    /**
     * APPEND: a copy of a message the gateway filed in this folder already is answered with that
     * copy and not stored again ({@link AppendedCopies}); anything else as James stores it.
     */
    @Override
    public Publisher<AppendResult> appendMessageReactive(AppendCommand command, MailboxSession session) {
        if (!isWriteable(session)) {
            return super.appendMessageReactive(command, session); // James's refusal
        }
        // off the event loop, as James's own append is: the look-up is blocking JDBC
        return Mono.fromCallable(() -> mappers.appendedCopies().filed(getMailboxEntity(), command.getMsgIn()))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(filed -> filed.map(Mono::just)
                        .orElseGet(() -> Mono.from(super.appendMessageReactive(command, session))));
    }

    /**
     * COPY of a range, read again when a message of it was taken away meanwhile ({@link ExpungedMeanwhile}):
     * James read the range, then the store found one of its messages gone. James answered
     * "COPY processing failed" and logged an ERROR; the message is gone as if before the command,
     * so the messages left are copied, as RFC 2180 §4.4 lets a server do. Not for messages named by
     * sequence number ({@link WholeSet}): those are copied all or none.
     */
    @Override
    public Mono<List<MessageRange>> copyTo(MessageRange set, StoreMessageManager to, MailboxSession session) {
        return Mono.deferContextual(context -> WholeSet.in(context)
                .map(whole -> Mono.defer(() -> super.copyTo(set, to, session)).contextWrite(c -> whole.expecting(set, c)))
                .orElseGet(() -> Mono.defer(() -> super.copyTo(set, to, session)).retryWhen(TAKEN_AWAY)));
    }

    /**
     * MOVE of a range, read again when a message of it was taken away meanwhile: two sessions
     * moving the same message both read it, one moved it and the other failed with "MOVE
     * processing failed" and an ERROR line. The second now moves what is left, nothing, and
     * answers OK, as Dovecot does (RFC 9051 §6.4.9: a UID that no longer exists is ignored). The
     * range's messages move in one transaction ({@link PostgresMessageMapper}), so a retried
     * attempt has moved nothing and announced nothing. Messages named by sequence number move all
     * or none ({@link WholeSet}).
     */
    @Override
    public Mono<List<MessageRange>> moveTo(MessageRange set, StoreMessageManager to, MailboxSession session) {
        return Mono.deferContextual(context -> WholeSet.in(context)
                .map(whole -> Mono.defer(() -> super.moveTo(set, to, session)).contextWrite(c -> whole.expecting(set, c)))
                .orElseGet(() -> Mono.defer(() -> super.moveTo(set, to, session)).retryWhen(TAKEN_AWAY)));
    }

    @Override
    public Flags getPermanentFlags(MailboxSession session) {
        Flags flags = super.getPermanentFlags(session);
        flags.add(Flags.Flag.USER);
        return flags;
    }

    /**
     * STATUS and SELECT: the counters, counts and first unseen message in one statement
     * ({@link FolderSnapshot}) instead of one query each; the rest as James computes it.
     */
    @Override
    public Mono<MessageManager.MailboxMetaData> getMetaDataReactive(MessageManager.MailboxMetaData.RecentMode recentMode, MailboxSession session,
                                                     EnumSet<MessageManager.MailboxMetaData.Item> items) throws MailboxException {
        if (!rights.hasRight(getMailboxEntity(), MailboxACL.Right.Read, session)) {
            return super.getMetaDataReactive(recentMode, session, items); // James's answer without information
        }
        MailboxACL acl = getResolvedAcl(session);
        Flags permanentFlags = getPermanentFlags(session);
        boolean writeable = isWriteable(session);
        long id = PostgresMailboxMapper.id(getId());
        boolean counts = items.contains(MessageManager.MailboxMetaData.Item.MailboxCounters);
        boolean first = items.contains(MessageManager.MailboxMetaData.Item.FirstUnseen);
        // on the caller's thread, as James ran the queries this replaces (it follows the folder lookup's hop)
        return Mono.fromCallable(() -> FolderSnapshot.read(mappers.jdbc(), id, counts, first))
                .zipWith(recent(recentMode, session), (folder, recent) -> new MessageManager.MailboxMetaData(recent, permanentFlags,
                        getMailboxEntity().getUidValidity(),
                        items.contains(MessageManager.MailboxMetaData.Item.NextUid) ? MessageUid.of(folder.lastUid() + 1)
                                : MessageUid.MIN_VALUE,
                        items.contains(MessageManager.MailboxMetaData.Item.HighestModSeq) ? ModSeq.of(folder.highestModSeq())
                                : ModSeq.first(),
                        folder.messages(), folder.unseen(), folder.firstUnseen().orElse(null), writeable, acl));
    }

    /**
     * SELECT takes the folder's untaken \Recent messages ({@link RecentClaims}) in one statement, so
     * of two SELECTs at once only one has them; James read them, then cleared them, and announced
     * the clearing to every session with the folder selected, each of which then marked those
     * messages recent too. Clearing \Recent is no change a client sees: nothing is announced.
     */
    @Override
    protected Mono<List<MessageUid>> recent(MessageManager.MailboxMetaData.RecentMode recentMode, MailboxSession session)
            throws MailboxException {
        if (recentMode != MessageManager.MailboxMetaData.RecentMode.RESET || !isWriteable(session)) {
            return super.recent(recentMode, session); // James's read, or its refusal
        }
        long id = PostgresMailboxMapper.id(getId());
        return Mono.fromCallable(() -> TakenRecent.take(mappers.jdbc(), id, null))
                .subscribeOn(Schedulers.boundedElastic())
                .doOnNext(taken -> TakenRecent.own(session, getId()).addAll(taken));
    }

    @Override
    public java.util.Set<MessageUid> recentOf(java.util.Collection<MessageUid> uids, boolean take, MailboxSession session)
            throws MailboxException {
        return TakenRecent.recentOf(mappers.jdbc(), PostgresMailboxMapper.id(getId()), getId(), uids, take, session);
    }

    @Override
    public void shown(java.util.Collection<MessageUid> uids, MailboxSession session) {
        TakenRecent.own(session, getId()).addAll(uids);
    }

    /**
     * James's results, with numbered sections and BODYSTRUCTURE's parameters answered by
     * {@link SectionedMessageResult}; a FETCH that asks for ENVELOPE also collects the
     * {@link AddressComments} names of each message, and one that asks for header lines gets the
     * messages themselves ({@link FetchedMessages}).
     */
    @Override
    public Publisher<MessageResult> getMessagesReactive(MessageRange set, FetchGroup fetchGroup,
                                                        MailboxSession session) {
        Flux<MessageResult> results = results(set, fetchGroup, session);
        return Flux.deferContextual(context -> {
            Flux<MessageResult> commented = AddressComments.in(context)
                    .map(comments -> results.doOnNext(comments::record))
                    .orElse(results);
            return FetchedMessages.in(context)
                    .map(fetched -> commented.doOnNext(fetched::record))
                    .orElse(commented);
        });
    }

    private Flux<MessageResult> results(MessageRange set, FetchGroup fetchGroup, MailboxSession session) {
        if (fetchGroup.getPartContentDescriptors().isEmpty()) {
            Flux<MessageResult> james = Flux.from(super.getMessagesReactive(set, fetchGroup, session));
            return fetchGroup.profiles().contains(FetchGroup.Profile.MIME_DESCRIPTOR)
                    ? james.map(SectionedMessageResult::new) : james;
        }
        FetchGroup whole = FetchGroup.MINIMAL.with(fetchGroup.profiles());
        return Flux.from(mappers.getMessageMapper(session)
                        .findInMailboxReactive(getMailboxEntity(), set, MessageMapper.FetchType.FULL, -1))
                .concatMap(message -> {
                    try {
                        return Mono.just(new SectionedMessageResult(ResultUtils.loadMessageResult(message, whole)));
                    } catch (MailboxException e) {
                        return Mono.error(e);
                    }
                });
    }
}
