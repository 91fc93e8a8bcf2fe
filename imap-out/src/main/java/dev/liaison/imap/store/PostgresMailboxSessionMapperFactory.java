package dev.liaison.imap.store;

import dev.liaison.imap.delivery.FiledCopies;
import dev.liaison.imap.delivery.Refiling;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.mail.AnnotationMapper;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.MessageIdMapper;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.ModSeqProvider;
import org.apache.james.mailbox.store.mail.UidProvider;
import org.apache.james.mailbox.store.user.SubscriptionMapper;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.Optional;

/**
 * James's mapper factory on PostgreSQL: every mapper is stateless and takes a pooled connection
 * per operation, so one instance serves every session and every thread.
 *
 * <p>Not provided: the message-id mapper (JMAP's cross-folder view; IMAP never asks for it).
 */
public final class PostgresMailboxSessionMapperFactory extends MailboxSessionMapperFactory {

    private final Jdbc jdbc;
    private final PostgresMailboxMapper mailboxes;
    private final PostgresMessageMapper messages;
    private final PostgresSubscriptionMapper subscriptions;
    private final NoAnnotationMapper annotations = new NoAnnotationMapper();
    private final StoreCounters counters;
    private final AppendedCopies appendedCopies;

    public PostgresMailboxSessionMapperFactory(DataSource dataSource, Clock clock) {
        this(dataSource, clock, Refiling.NONE, FiledCopies.NONE);
    }

    public PostgresMailboxSessionMapperFactory(DataSource dataSource, Clock clock, Refiling refiling, FiledCopies copies) {
        this.jdbc = new Jdbc(dataSource);
        this.appendedCopies = new AppendedCopies(jdbc, copies);
        this.mailboxes = new PostgresMailboxMapper(jdbc);
        this.messages = new PostgresMessageMapper(jdbc, clock, refiling);
        this.subscriptions = new PostgresSubscriptionMapper(jdbc);
        this.counters = new StoreCounters(jdbc);
    }

    /** Whether an APPEND duplicates a copy the gateway filed ({@link PostgresMessageManager}). */
    AppendedCopies appendedCopies() {
        return appendedCopies;
    }

    /** The store's database access, for the queries James has no mapper method for ({@link FolderSnapshot}). */
    Jdbc jdbc() {
        return jdbc;
    }

    @Override
    public AnnotationMapper createAnnotationMapper(MailboxSession session) {
        return annotations;
    }

    @Override
    public MessageMapper createMessageMapper(MailboxSession session) {
        return messages;
    }

    @Override
    public MessageIdMapper createMessageIdMapper(MailboxSession session) {
        throw new UnsupportedOperationException("message-id lookups across folders are not supported (IMAP does not use them)");
    }

    @Override
    public MailboxMapper createMailboxMapper(MailboxSession session) {
        return mailboxes;
    }

    @Override
    public SubscriptionMapper createSubscriptionMapper(MailboxSession session) {
        return subscriptions;
    }

    @Override
    public UidProvider getUidProvider() {
        return counters;
    }

    @Override
    public ModSeqProvider getModSeqProvider() {
        return counters;
    }

    /** The folder counters as James's providers; appends take them inside their own transaction instead. */
    private static final class StoreCounters implements UidProvider, ModSeqProvider {
        private final Jdbc jdbc;

        StoreCounters(Jdbc jdbc) {
            this.jdbc = jdbc;
        }

        @Override
        public MessageUid nextUid(Mailbox mailbox) throws MailboxException {
            return nextUid(mailbox.getMailboxId());
        }

        @Override
        public Optional<MessageUid> lastUid(Mailbox mailbox) throws MailboxException {
            long last = Counters.read(jdbc, PostgresMailboxMapper.id(mailbox.getMailboxId()), "last_uid");
            return last == 0 ? Optional.empty() : Optional.of(MessageUid.of(last));
        }

        @Override
        public MessageUid nextUid(MailboxId mailboxId) throws MailboxException {
            return jdbc.read("take uid", c -> Counters.next(c, PostgresMailboxMapper.id(mailboxId)).uid());
        }

        @Override
        public ModSeq nextModSeq(Mailbox mailbox) throws MailboxException {
            return nextModSeq(mailbox.getMailboxId());
        }

        @Override
        public ModSeq nextModSeq(MailboxId mailboxId) throws MailboxException {
            return jdbc.read("take modseq", c -> Counters.nextModSeq(c, PostgresMailboxMapper.id(mailboxId)));
        }

        @Override
        public ModSeq highestModSeq(Mailbox mailbox) throws MailboxException {
            return highestModSeq(mailbox.getMailboxId());
        }

        @Override
        public ModSeq highestModSeq(MailboxId mailboxId) throws MailboxException {
            return ModSeq.of(Counters.read(jdbc, PostgresMailboxMapper.id(mailboxId), "highest_modseq"));
        }
    }
}
