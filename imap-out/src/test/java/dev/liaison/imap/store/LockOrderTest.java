package dev.liaison.imap.store;

import dev.liaison.imap.server.ImapService;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.Schema;
import dev.liaison.mapping.database.TestPostgres;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.ByteContent;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.store.FlagsUpdateCalculator;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;
import org.apache.james.mailbox.store.mail.model.impl.SimpleMailboxMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import javax.mail.Flags;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The store's lock order: a transaction that changes a folder's messages locks the folder row,
 * then message rows. Each test holds the locks a MOVE takes, in MOVE's order, on a connection of
 * its own, step by step: the folder row and the row of the first message it moves; then, once the
 * store's operation waits, the rows of the other messages. The operation must be waiting for the folder without holding any
 * message row, so both finish. A STORE, EXPUNGE or \Recent claim that locked message rows first
 * closed a cycle that PostgreSQL broke by failing one side (deadlock detected), which the client
 * saw as NO.
 */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class LockOrderTest {

    @Parameter
    TestPostgres kind;

    private Database database;
    private MessageMapper messages;
    private Mailbox folder;
    private long folderId;
    private final ExecutorService other = Executors.newSingleThreadExecutor();

    @BeforeEach
    void open() throws Exception {
        database = kind.freshDatabase();
        database.migrate(new Schema(ImapService.SCHEMA, ImapService.MIGRATIONS));
        PostgresMailboxSessionMapperFactory store = new PostgresMailboxSessionMapperFactory(database.dataSource(),
                Clock.systemUTC());
        messages = store.createMessageMapper(null);
        folder = store.createMailboxMapper(null).create(MailboxPath.forUser(Username.of("alice"), "INBOX"),
                UidValidity.generate()).block();
        folderId = PostgresMailboxMapper.id(folder.getMailboxId());
        for (int i = 0; i < 3; i++) {
            messages.add(folder, message(i));
        }
    }

    @AfterEach
    void close() {
        other.shutdownNow();
        database.close();
    }

    @Test
    void aStoreWaitsForTheFolderBeforeLockingMessages() throws Exception {
        asMoveRuns(() -> messages.updateFlags(folder,
                new FlagsUpdateCalculator(new Flags(Flags.Flag.SEEN), MessageManager.FlagsUpdateMode.ADD),
                MessageRange.all()));
        assertEquals(3, count("seen"), "the STORE went through after the move's transaction");
    }

    @Test
    void anExpungeWaitsForTheFolderBeforeLockingMessages() throws Exception {
        asMoveRuns(() -> messages.deleteMessages(folder, List.of(MessageUid.of(1), MessageUid.of(2))));
        assertEquals(1, count("true"), "the EXPUNGE went through after the move's transaction");
    }

    @Test
    void aRecentClaimWaitsForTheFolderBeforeLockingMessages() throws Exception {
        asMoveRuns(() -> TakenRecent.take(new Jdbc(database.dataSource()), folderId, null));
        assertEquals(0, count("recent"), "the claim went through after the move's transaction");
    }

    /**
     * A move the gateway asks for (an accepted request's other messages out of Requests) takes both
     * folder rows before any message row, as MOVE does: it waits for the folder MOVE holds.
     */
    @Test
    void aMoveBetweenFoldersForTheGatewayWaitsForTheFoldersBeforeLockingMessages() throws Exception {
        asMoveRuns(() -> database.inTransaction(c -> new PostgresMailboxDelivery(Clock.systemUTC())
                .move(c, "alice", "INBOX", "Junk", "", header -> true)));
        assertEquals(0, count("true"), "the move went through after the other transaction");
    }

    /**
     * A COPY into a folder whose copies mean something ({@link dev.liaison.imap.delivery.Refiling}:
     * a request copied to INBOX accepts it, which moves the correspondent's other requests) takes
     * the source folder's row before the target's, lower id first, as a MOVE between the two does.
     * It took the target's first (for the copy's UID), then the source's for the move that the copy
     * caused, while a MOVE held the source and waited for the target: deadlock, and PostgreSQL failed one.
     */
    @Test
    void aCopyWhoseMeaningMovesMessagesTakesBothFoldersInMovesOrder() throws Exception {
        PostgresMailboxSessionMapperFactory store = new PostgresMailboxSessionMapperFactory(database.dataSource(),
                Clock.systemUTC(), new dev.liaison.imap.delivery.Refiling() {
                    @Override
                    public boolean watches(String name) {
                        return "Inbox2".equals(name);
                    }

                    @Override
                    public void refiled(Connection c, dev.liaison.imap.delivery.Refiled message) throws SQLException {
                        new PostgresMailboxDelivery(Clock.systemUTC()).move(c, "alice", message.from(), message.to(),
                                "", header -> true);
                    }
                }, dev.liaison.imap.delivery.FiledCopies.NONE);
        MessageMapper mapper = store.createMessageMapper(null);
        Mailbox target = store.createMailboxMapper(null).create(MailboxPath.forUser(Username.of("alice"), "Inbox2"),
                UidValidity.generate()).block();
        long targetId = PostgresMailboxMapper.id(target.getMailboxId());
        MailboxMessage original = mapper.findInMailbox(folder, MessageRange.one(MessageUid.of(1)),
                MessageMapper.FetchType.METADATA, 1).next();
        try (Connection move = database.dataSource().getConnection()) {
            move.setAutoCommit(false);
            update(move, "SELECT id FROM imap.mailbox WHERE id = ? FOR UPDATE"); // a MOVE's first folder (the lower id)
            Future<?> result = other.submit(() -> mapper.copy(target, List.of(original)));
            waitUntilSomeoneWaitsForALock(result);
            try (PreparedStatement s = move.prepareStatement("SELECT id FROM imap.mailbox WHERE id = ? FOR UPDATE")) {
                s.setLong(1, targetId); // its second; with the old order PostgreSQL failed this or the COPY
                s.execute();
            }
            move.commit();
            result.get();
        }
        assertEquals(1, count("true"), "the copied message stays; the others moved");
    }

    /** Runs {@code operation} while another transaction takes MOVE's locks in MOVE's order; both must succeed. */
    private void asMoveRuns(Callable<?> operation) throws Exception {
        try (Connection move = database.dataSource().getConnection()) {
            move.setAutoCommit(false);
            update(move, "SELECT id FROM imap.mailbox WHERE id = ? FOR UPDATE"); // lockFolders
            update(move, "UPDATE imap.message SET modseq = modseq WHERE mailbox_id = ? AND uid = 3"); // its first message
            Future<?> result = other.submit(operation);
            waitUntilSomeoneWaitsForALock(result);
            // the move's other messages; with the old order PostgreSQL failed this or the operation: deadlock detected
            update(move, "UPDATE imap.message SET modseq = modseq WHERE mailbox_id = ? AND uid < 3");
            move.commit();
            result.get();
        }
    }

    private void update(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, folderId);
            s.execute();
        }
    }

    /**
     * The operation has started and is blocked by the locks held (or has failed: result.get() says
     * why). Each look is a new connection: within one transaction pg_stat_activity shows the same
     * snapshot every time.
     */
    private void waitUntilSomeoneWaitsForALock(Future<?> operation) throws Exception {
        while (!operation.isDone()) {
            try (Connection c = database.dataSource().getConnection();
                 PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                         + " WHERE datname = current_database() AND wait_event_type = 'Lock'");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return;
                }
            }
            Thread.sleep(5);
        }
    }

    private long count(String condition) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM imap.message WHERE mailbox_id = ? AND "
                     + condition)) {
            s.setLong(1, folderId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private MailboxMessage message(int i) {
        byte[] bytes = ("Subject: " + i + "\r\n\r\nbody " + i + "\r\n").getBytes(StandardCharsets.UTF_8);
        StoredMessageId id = (StoredMessageId) new StoredMessageId.Factory().generate();
        return SimpleMailboxMessage.builder().mailboxId(folder.getMailboxId()).messageId(id)
                .threadId(ThreadId.fromBaseMessageId(id)).internalDate(new Date()).size(bytes.length)
                .bodyStartOctet(MessageShape.bodyStart(bytes)).content(new ByteContent(bytes))
                .flags(new Flags(Flags.Flag.RECENT)).properties(new PropertyBuilder()).build();
    }
}
