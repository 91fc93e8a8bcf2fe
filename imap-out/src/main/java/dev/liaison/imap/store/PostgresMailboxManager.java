package dev.liaison.imap.store;

import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.model.Mailbox;
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

import javax.sql.DataSource;
import java.time.Clock;
import java.util.EnumSet;

/**
 * James's {@link StoreMailboxManager} on the PostgreSQL store. Capabilities: MOVE, keywords,
 * NAMESPACE — not ACL, annotations or quotas: folders are private and unlimited per user.
 *
 * <p>No path locker: every change that must be atomic is one PostgreSQL transaction (row locks
 * on the folder's counters), which also holds across processes, where a JVM lock would not.
 */
public final class PostgresMailboxManager extends StoreMailboxManager {

    private static final EnumSet<MailboxCapabilities> CAPABILITIES = EnumSet.of(MailboxCapabilities.Move,
            MailboxCapabilities.UserFlag, MailboxCapabilities.Namespace);

    private PostgresMailboxManager(PostgresMailboxSessionMapperFactory factory, SessionProvider sessions,
                                   EventBus eventBus, StoreRightManager rights, QuotaComponents quotas,
                                   DataSource dataSource, MessageId.Factory messageIds, Clock clock) {
        super(factory, sessions, new NoMailboxPathLocker(), new MessageParser(), messageIds,
                new StoreMailboxAnnotationManager(factory, rights), eventBus, rights, quotas,
                new PostgresMessageSearchIndex(dataSource), MailboxManagerConfiguration.DEFAULT,
                PreDeletionHooks.NO_PRE_DELETION_HOOK, new NaiveThreadIdGuessingAlgorithm(), clock);
    }

    /** Assembles the manager and the James parts it needs on {@code dataSource}. */
    public static PostgresMailboxManager create(DataSource dataSource, SessionProvider sessions, EventBus eventBus,
                                                Clock clock) {
        PostgresMailboxSessionMapperFactory factory = new PostgresMailboxSessionMapperFactory(dataSource, clock);
        StoreRightManager rights = new StoreRightManager(factory, new UnionMailboxACLResolver(), eventBus);
        QuotaComponents quotas = new QuotaComponents(new NoMaxQuotaManager(), new NoQuotaManager(),
                new DefaultUserQuotaRootResolver(sessions, factory));
        return new PostgresMailboxManager(factory, sessions, eventBus, rights, quotas, dataSource,
                new StoredMessageId.Factory(), clock);
    }

    /** A folder's messages: {@link PostgresMessageManager}. */
    @Override
    protected StoreMessageManager createMessageManager(Mailbox mailbox, MailboxSession session) {
        return new PostgresMessageManager(mailbox, new PostgresMessageManager.Parts(getMapperFactory(),
                getMessageSearchIndex(), getEventBus(), getLocker(), getQuotaComponents(), configuration.getBatchSizes(),
                getStoreRightManager(), getPreDeletionHooks(),
                new MessageStorer.WithoutAttachment(getMapperFactory(), getMessageIdFactory(),
                        new MessageFactory.StoreMessageFactory(), getThreadIdGuessingAlgorithm(), getClock())));
    }

    @Override
    public EnumSet<MailboxCapabilities> getSupportedMailboxCapabilities() {
        return CAPABILITIES;
    }
}
