package dev.liaison.imap.store;

import dev.liaison.imap.delivery.FiledCopies;
import dev.liaison.imap.delivery.Refiling;

import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import org.apache.james.mailbox.store.MessageFactory;
import org.apache.james.mailbox.store.MessageStorer;
import org.apache.james.mailbox.store.StoreMessageManager;

import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.store.MailboxManagerConfiguration;
import org.apache.james.mailbox.store.NoMailboxPathLocker;
import org.apache.james.mailbox.store.PreDeletionHooks;
import org.apache.james.mailbox.store.StoreMailboxAnnotationManager;
import org.apache.james.mailbox.store.StoreMailboxManager;
import org.apache.james.mailbox.store.StoreRightManager;
import org.apache.james.mailbox.store.mail.NaiveThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.model.impl.MessageParser;
import org.apache.james.mailbox.store.quota.DefaultUserQuotaRootResolver;
import org.apache.james.mailbox.store.quota.NoMaxQuotaManager;
import org.apache.james.mailbox.store.quota.NoQuotaManager;
import org.apache.james.mailbox.store.quota.QuotaComponents;
import org.apache.james.mailbox.acl.UnionMailboxACLResolver;
import org.apache.james.mailbox.events.MailboxIdRegistrationKey;
import org.apache.james.mailbox.store.event.EventFactory;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * James's {@link StoreMailboxManager} on the PostgreSQL store. Capabilities: MOVE, keywords,
 * NAMESPACE — not ACL, annotations or quotas: folders are private and unlimited per user.
 *
 * <p>No path locker: every change that must be atomic is one PostgreSQL transaction (row locks
 * on the folder's counters), which also holds across processes, where a JVM lock would not.
 */
public final class PostgresMailboxManager extends StoreMailboxManager {

    private final PostgresMailboxSessionMapperFactory mappers;

    private static final EnumSet<MailboxCapabilities> CAPABILITIES = EnumSet.of(MailboxCapabilities.Move,
            MailboxCapabilities.UserFlag, MailboxCapabilities.Namespace);

    private PostgresMailboxManager(PostgresMailboxSessionMapperFactory factory, SessionProvider sessions,
                                   EventBus eventBus, StoreRightManager rights, QuotaComponents quotas,
                                   DataSource dataSource, MessageId.Factory messageIds, Clock clock) {
        super(factory, sessions, new NoMailboxPathLocker(), new MessageParser(), messageIds,
                new StoreMailboxAnnotationManager(factory, rights), eventBus, rights, quotas,
                new PostgresMessageSearchIndex(dataSource), MailboxManagerConfiguration.DEFAULT,
                PreDeletionHooks.NO_PRE_DELETION_HOOK, new NaiveThreadIdGuessingAlgorithm(), clock);
        this.mappers = factory;
    }

    /** Assembles the manager and the James parts it needs on {@code dataSource}. */
    public static PostgresMailboxManager create(DataSource dataSource, SessionProvider sessions, EventBus eventBus,
                                                Clock clock) {
        return create(dataSource, sessions, eventBus, clock, Refiling.NONE, FiledCopies.NONE);
    }

    /**
     * As above, telling {@code refiling} of the messages users move or copy between folders, and
     * asking {@code copies} whether an APPEND duplicates a copy the gateway filed.
     */
    public static PostgresMailboxManager create(DataSource dataSource, SessionProvider sessions, EventBus eventBus,
                                                Clock clock, Refiling refiling, FiledCopies copies) {
        PostgresMailboxSessionMapperFactory factory = new PostgresMailboxSessionMapperFactory(dataSource, clock, refiling,
                copies);
        StoreRightManager rights = new StoreRightManager(factory, new UnionMailboxACLResolver(), eventBus);
        QuotaComponents quotas = new QuotaComponents(new NoMaxQuotaManager(), new NoQuotaManager(),
                new DefaultUserQuotaRootResolver(sessions, factory));
        return new PostgresMailboxManager(factory, sessions, eventBus, rights, quotas, dataSource,
                new StoredMessageId.Factory(), clock);
    }

    /** A folder's messages: {@link PostgresMessageManager}. */
    @Override
    protected StoreMessageManager createMessageManager(Mailbox mailbox, MailboxSession session) {
        return new PostgresMessageManager(mailbox, new PostgresMessageManager.Parts(mappers,
                getMessageSearchIndex(), getEventBus(), getLocker(), getQuotaComponents(), configuration.getBatchSizes(),
                getStoreRightManager(), getPreDeletionHooks(),
                new MessageStorer.WithoutAttachment(getMapperFactory(), getMessageIdFactory(),
                        new MessageFactory.StoreMessageFactory(), getThreadIdGuessingAlgorithm(), getClock())));
    }

    /** A folder by id, from this session's {@link KnownFolders} when it read the row moments ago. */
    @Override
    public Publisher<MessageManager> getMailboxReactive(MailboxId mailboxId, MailboxSession session) {
        Optional<Mailbox> known = KnownFolders.of(session).get(mailboxId);
        if (known.isPresent()) {
            // off the event loop, as the lookup it replaces was: the command's queries that follow are blocking JDBC
            return Mono.fromCallable(() -> getMailbox(known.get(), session)).subscribeOn(Schedulers.boundedElastic());
        }
        return Mono.from(super.getMailboxReactive(mailboxId, session)).doOnNext(m -> remember(m, session));
    }

    @Override
    public Mono<MessageManager> getMailboxReactive(MailboxPath path, MailboxSession session) {
        return super.getMailboxReactive(path, session).doOnNext(m -> remember(m, session));
    }

    private static void remember(MessageManager folder, MailboxSession session) {
        if (folder instanceof StoreMessageManager store) {
            KnownFolders.of(session).remember(store.getMailboxEntity());
        }
    }

    // This session's renames and deletes forget what it knew of its folders.

    @Override
    public void deleteMailbox(MailboxPath path, MailboxSession session) throws MailboxException {
        KnownFolders.of(session).forget();
        super.deleteMailbox(path, session);
    }

    @Override
    public Mailbox deleteMailbox(MailboxId id, MailboxSession session) throws MailboxException {
        KnownFolders.of(session).forget();
        return super.deleteMailbox(id, session);
    }

    @Override
    public Mono<Mailbox> deleteMailboxReactive(MailboxId id, MailboxSession session) {
        KnownFolders.of(session).forget();
        return super.deleteMailboxReactive(id, session);
    }

    @Override
    public Mono<Void> deleteMailboxReactive(MailboxPath path, MailboxSession session) {
        KnownFolders.of(session).forget();
        return super.deleteMailboxReactive(path, session);
    }

    @Override
    public Mono<List<MailboxRenamedResult>> renameMailboxReactive(MailboxPath from, MailboxPath to, RenameOption option,
                                                                  MailboxSession fromSession, MailboxSession toSession) {
        KnownFolders.of(fromSession).forget();
        KnownFolders.of(toSession).forget();
        return super.renameMailboxReactive(from, to, option, fromSession, toSession);
    }

    @Override
    public Mono<List<MailboxRenamedResult>> renameMailboxReactive(MailboxId id, MailboxPath to, RenameOption option,
                                                                  MailboxSession session) {
        KnownFolders.of(session).forget();
        return super.renameMailboxReactive(id, to, option, session);
    }

    /**
     * RENAME INBOX {@code to} (RFC 3501 §6.3.5): INBOX's messages move to a new folder {@code to} in
     * one transaction ({@link InboxRename}), then their leaving INBOX is announced as an expunge,
     * as a MOVE's is, so sessions that have INBOX selected hear EXPUNGE.
     *
     * @throws org.apache.james.mailbox.exception.MailboxExistsException (in the Mono) when {@code to} exists
     */
    public Mono<Void> renameInbox(MailboxPath to, MailboxSession session) {
        KnownFolders.of(session).forget();
        return Mono.fromCallable(() -> mappers.jdbc().inTransaction("rename INBOX",
                        c -> InboxRename.run(c, session.getUser(), to)))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(renamed -> renamed.moved().isEmpty() ? Mono.empty()
                        : getEventBus().dispatch(EventFactory.expunged()
                                .randomEventId()
                                .mailboxSession(session)
                                .mailbox(renamed.inbox())
                                .addMetaData(renamed.moved())
                                .build(),
                        new MailboxIdRegistrationKey(renamed.inbox().getMailboxId())));
    }

    @Override
    public EnumSet<MailboxCapabilities> getSupportedMailboxCapabilities() {
        return CAPABILITIES;
    }
}
