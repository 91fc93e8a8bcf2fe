package dev.liaison.imap.store;

import dev.liaison.imap.delivery.Delivered;
import dev.liaison.imap.delivery.Delivery;
import dev.liaison.imap.server.ImapService;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.Schema;
import dev.liaison.mapping.database.TestPostgres;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.model.ByteContent;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.model.search.MailboxQuery;
import org.apache.james.mailbox.store.FlagsUpdateCalculator;
import org.apache.james.mailbox.store.mail.MailboxMapper;
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
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mailbox store's behaviour, against every PostgreSQL the tests can reach (J4). */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class MailboxStoreContractTest {

    @Parameter
    TestPostgres kind;

    private Database database;
    private PostgresMailboxSessionMapperFactory store;
    private MailboxMapper mailboxes;
    private MessageMapper messages;

    @BeforeEach
    void open() {
        database = kind.freshDatabase();
        database.migrate(new Schema(ImapService.SCHEMA, ImapService.MIGRATIONS));
        store = new PostgresMailboxSessionMapperFactory(database.dataSource(), Clock.systemUTC());
        mailboxes = store.createMailboxMapper(null);
        messages = store.createMessageMapper(null);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private static MailboxPath path(String user, String name) {
        return MailboxPath.forUser(Username.of(user), name);
    }

    private Mailbox create(String user, String name) {
        return mailboxes.create(path(user, name), UidValidity.generate()).block();
    }

    private static MailboxMessage message(Mailbox mailbox, String subject, Flags flags) {
        byte[] bytes = ("Subject: " + subject + "\r\nDate: Tue, 3 Jun 2025 23:30:00 -0700\r\n\r\nbody of " + subject + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
        StoredMessageId id = (StoredMessageId) new StoredMessageId.Factory().generate();
        return SimpleMailboxMessage.builder().mailboxId(mailbox.getMailboxId()).messageId(id)
                .threadId(ThreadId.fromBaseMessageId(id)).internalDate(new Date()).size(bytes.length)
                .bodyStartOctet(MessageShape.bodyStart(bytes)).content(new ByteContent(bytes)).flags(flags)
                .properties(new PropertyBuilder()).build();
    }

    /**
     * The search text is derived data (imap V2, V3): not written with the message, extracted by the
     * first search that reads it, and then stored as is, not compressed. The message is compressed.
     */
    @Test
    void theSearchTextIsExtractedByTheFirstSearchThatNeedsItAndStoredAsIs() throws Exception {
        Mailbox inbox = create("alice", "INBOX");
        messages.add(inbox, message(inbox, "words ".repeat(2000), new Flags()));
        List<String> stored = storedText();
        assertEquals(kind.hasLz4() ? "lz4" : "none", stored.get(0), "the message: lz4 where the server has it, else as is");
        assertEquals("-1", stored.get(2), "stored without its search text");
        PostgresMessageSearchIndex index = new PostgresMessageSearchIndex(database.dataSource());
        assertEquals(1, index.search(null, inbox, SearchQuery.of(SearchQuery.all())).count().block());
        assertEquals(stored, storedText(), "a search without text criteria extracts nothing");
        assertEquals(1, index.search(null, inbox, SearchQuery.of(SearchQuery.bodyContains("BODY OF WORDS")))
                .count().block());
        List<String> after = storedText();
        assertEquals("none", after.get(1), "the search text is not compressed");
        assertTrue(Integer.parseInt(after.get(2)) > 12_000, "the search text holds the long subject: " + after);
    }

    /** Compression of the content and of the search text, and the search text's length (-1: none yet). */
    private List<String> storedText() {
        return database.inTransaction(c -> {
            var rs = c.createStatement().executeQuery("SELECT coalesce(pg_column_compression(content), 'none'),"
                    + " coalesce(pg_column_compression(search_text), 'none'), coalesce(octet_length(search_text), -1)"
                    + " FROM imap.message");
            rs.next();
            return List.of(rs.getString(1), rs.getString(2), rs.getString(3));
        });
    }

    /**
     * More messages than one extraction batch, extracted by two searches at once: each message's
     * text is extracted once, every message is then found, and one that arrives later is found by
     * the next search.
     */
    @Test
    void concurrentExtractionsDoEachMessageOnceAndSearchesFindEveryMessage() throws Exception {
        Mailbox inbox = create("alice", "INBOX");
        int count = SearchIndexing.BATCH * 2 + 7;
        for (int i = 0; i < count; i++) {
            messages.add(inbox, message(inbox, i % 2 == 0 ? "even" + i : "odd" + i, new Flags()));
        }
        long mailboxId = PostgresMailboxMapper.id(inbox.getMailboxId());
        Jdbc jdbc = new Jdbc(database.dataSource());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> extracted = List.of(pool.submit(() -> SearchIndexing.catchUp(jdbc, mailboxId)),
                    pool.submit(() -> SearchIndexing.catchUp(jdbc, mailboxId)));
            assertEquals(count, extracted.get(0).get() + extracted.get(1).get(), "each message once");
        } finally {
            pool.shutdown();
        }
        PostgresMessageSearchIndex index = new PostgresMessageSearchIndex(database.dataSource());
        SearchQuery even = SearchQuery.of(SearchQuery.bodyContains("body of even"));
        assertEquals((count + 1) / 2, index.search(null, inbox, even).count().block());
        messages.add(inbox, message(inbox, "even-late", new Flags()));
        assertEquals((count + 1) / 2 + 1, index.search(null, inbox, even).count().block());
        assertEquals(0, SearchIndexing.catchUp(jdbc, mailboxId), "nothing left to extract");
    }

    /**
     * A batch reads from where the one before it ended, not again over every message the batches
     * before it finished: walking them again made a folder's first text search quadratic (the
     * 100-message batches of a 40,000-message folder read 8 million rows). Counted by PostgreSQL's
     * own account of the third batch's read: the rows its scan passed over without taking.
     */
    @Test
    void aBatchDoesNotReadAgainTheMessagesTheBatchesBeforeItFinished() throws Exception {
        Mailbox inbox = create("alice", "INBOX");
        for (int i = 0; i < SearchIndexing.BATCH * 3 + 7; i++) {
            messages.add(inbox, message(inbox, "m" + i, new Flags()));
        }
        long mailboxId = PostgresMailboxMapper.id(inbox.getMailboxId());
        Jdbc jdbc = new Jdbc(database.dataSource());
        SearchIndexing.Pass first = jdbc.inTransaction("t", c -> SearchIndexing.batch(c, mailboxId, 0, SearchText::of));
        SearchIndexing.Pass second = jdbc.inTransaction("t",
                c -> SearchIndexing.batch(c, mailboxId, first.lastUid(), SearchText::of));
        assertEquals(SearchIndexing.BATCH, second.done());
        String plan = jdbc.inTransaction("t", c -> {
            try (var s = c.prepareStatement("EXPLAIN (ANALYZE, FORMAT TEXT) " + SearchIndexing.BATCH_READ)) {
                s.setLong(1, mailboxId);
                s.setLong(2, second.lastUid());
                StringBuilder text = new StringBuilder();
                try (var rs = s.executeQuery()) {
                    while (rs.next()) {
                        text.append(rs.getString(1)).append('\n');
                    }
                }
                c.rollback();
                return text.toString();
            }
        });
        assertTrue(java.util.regex.Pattern.compile("actual [^)]*rows=" + SearchIndexing.BATCH + "(\\.0+)? ").matcher(plan)
                .find(), "the third batch takes a full batch:\n" + plan);
        java.util.regex.Matcher removed = java.util.regex.Pattern.compile("Rows Removed by Filter: (\\d+)").matcher(plan);
        long passedOver = removed.find() ? Long.parseLong(removed.group(1)) : 0;
        assertEquals(0, passedOver, "the third batch passed over finished messages:\n" + plan);
    }

    /**
     * One message whose text cannot be extracted (the extractor throws) or stored (PostgreSQL refuses
     * it) fails neither the batch it is in nor the folder's searches: it is stored with no text and
     * matches no text criterion; every other message of the batch is found.
     */
    @Test
    void aMessageWhoseTextCannotBeStoredFailsNoSearch() throws Exception {
        Mailbox inbox = create("alice", "INBOX");
        for (String s : List.of("alpha", "refused", "thrown", "delta")) {
            messages.add(inbox, message(inbox, s, new Flags()));
        }
        Function<byte[], SearchText> awkward = bytes -> {
            SearchText text = SearchText.of(bytes);
            if (text.text().contains("thrown")) {
                throw new IllegalStateException("extraction failed");
            }
            return text.text().contains("refused") ? new SearchText(text.text() + "\u0000", null) : text;
        };
        long mailboxId = PostgresMailboxMapper.id(inbox.getMailboxId());
        assertEquals(4, SearchIndexing.catchUp(new Jdbc(database.dataSource()), mailboxId, awkward));
        PostgresMessageSearchIndex index = new PostgresMessageSearchIndex(database.dataSource());
        SearchQuery body = SearchQuery.of(SearchQuery.bodyContains("body of"));
        assertEquals(List.of(1L, 4L), index.search(null, inbox, body).map(MessageUid::asLong).collectList().block());
        assertEquals(4, index.search(null, inbox, SearchQuery.of(SearchQuery.all())).count().block());
    }

    @Test
    void onlyAFaultOfTheMessageItselfLeavesItWithoutText() {
        assertTrue(SearchIndexing.faultOfTheMessage(new IllegalStateException("extraction failed")));
        assertTrue(SearchIndexing.faultOfTheMessage(new RuntimeException(new java.sql.SQLException("NUL", "22021"))));
        assertFalse(SearchIndexing.faultOfTheMessage(new RuntimeException(new java.sql.SQLException("deadlock", "40P01"))),
                "a deadlock is the database's, for now: the next search extracts it");
        assertFalse(SearchIndexing.faultOfTheMessage(new java.sql.SQLException("connection reset", "08006")));
    }

    /**
     * A fetch of headers reads the header section with the row and the rest only when a reader goes
     * past it: the header is there after the message is gone, the body is not; while it exists,
     * header, body and whole message read back as stored.
     */
    @Test
    void aHeaderFetchReadsTheRestOfTheMessageOnlyWhenAskedFor() throws Exception {
        Mailbox inbox = create("alice", "INBOX");
        MailboxMessage original = message(inbox, "headers first", new Flags());
        byte[] stored = original.getFullContent().readAllBytes();
        messages.add(inbox, original);
        MailboxMessage whole = messages.findInMailbox(inbox, MessageRange.all(), MessageMapper.FetchType.HEADERS, 1).next();
        assertEquals(new String(stored, StandardCharsets.UTF_8), new String(whole.getFullContent().readAllBytes(),
                StandardCharsets.UTF_8));
        assertEquals("body of headers first\r\n", new String(whole.getBodyContent().readAllBytes(), StandardCharsets.UTF_8));

        MailboxMessage headerOnly = messages.findInMailbox(inbox, MessageRange.all(), MessageMapper.FetchType.HEADERS, 1)
                .next();
        database.inTransaction(c -> c.createStatement().executeUpdate("DELETE FROM imap.message"));
        String header = new String(headerOnly.getHeaderContent().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(header.startsWith("Subject: headers first\r\n") && header.endsWith("\r\n\r\n"), header);
        assertThrows(java.io.IOException.class, () -> headerOnly.getBodyContent().readAllBytes());
    }

    @Test
    void aMailboxKeepsItsIdentityAndUidValidityAcrossRename() {
        Mailbox created = create("alice", "Projects");
        created.setName("Work");
        mailboxes.rename(created).block();
        Mailbox found = mailboxes.findMailboxByPath(path("alice", "Work")).block();
        assertEquals(created.getMailboxId(), found.getMailboxId());
        assertEquals(created.getUidValidity(), found.getUidValidity());
        assertFalse(mailboxes.pathExists(path("alice", "Projects")).block());
    }

    /**
     * RENAME M1 M1.child renamed the folder twice (James renamed it, then found it among M1's
     * children): the store refuses a name inside the folder's own subtree whoever asks, and moves a
     * folder with its children at once.
     */
    @Test
    void aRenameIntoTheFolderItselfIsRefusedAndATreeMovesAtOnce() {
        create("alice", "M1");
        create("alice", "M1.x");
        create("bob", "M1.x");
        for (String inside : List.of("M1.child", "M1.x.y")) {
            Mailbox m1 = mailboxes.findMailboxByPath(path("alice", "M1")).block();
            m1.setName(inside);
            RuntimeException refused = assertThrows(RuntimeException.class, () -> mailboxes.rename(m1).block(), inside);
            assertTrue(String.valueOf(refused.getMessage()).contains("into itself"), refused.toString());
            assertEquals(List.of("M1", "M1.x"), names("alice"), "nothing changed by " + inside);
        }
        Mailbox m1 = mailboxes.findMailboxByPath(path("alice", "M1")).block();
        m1.setName("M1x");
        mailboxes.rename(m1).block();
        assertEquals(List.of("M1x", "M1x.x"), names("alice"));
        assertEquals(List.of("M1.x"), names("bob"), "another owner's folders stay");
    }

    private List<String> names(String owner) {
        return database.inTransaction(c -> {
            var s = c.prepareStatement("SELECT name FROM imap.mailbox WHERE owner = ? ORDER BY name");
            s.setString(1, owner);
            var rs = s.executeQuery();
            List<String> found = new ArrayList<>();
            while (rs.next()) {
                found.add(rs.getString(1));
            }
            return found;
        });
    }

    /**
     * imap V7 on a store that has folders: an owner's new folders get values above the greatest
     * (random) one the owner's folders hold, whichever way the folder is created; a new owner's
     * start at the time in seconds.
     */
    @Test
    void newUidValiditiesStartAboveTheOwnersFoldersOfBeforeTheUpgrade() throws Exception {
        Database old = kind.freshDatabase();
        try {
            org.flywaydb.core.Flyway.configure().dataSource(old.dataSource()).schemas(ImapService.SCHEMA)
                    .createSchemas(true).table("flyway_history").locations(ImapService.MIGRATIONS).target("6")
                    .load().migrate();
            old.inTransaction(c -> c.createStatement().executeUpdate("INSERT INTO imap.mailbox (namespace, owner, name,"
                    + " uid_validity) VALUES ('#private', 'alice', 'INBOX', 4000000000), ('#private', 'alice', 'Sent', 7)"));
            old.migrate(new Schema(ImapService.SCHEMA, ImapService.MIGRATIONS));
            MailboxMapper upgraded = new PostgresMailboxSessionMapperFactory(old.dataSource(), Clock.systemUTC())
                    .createMailboxMapper(null);
            long created = upgraded.create(path("alice", "Projects"), UidValidity.of(1)).block().getUidValidity().asLong();
            assertEquals(4000000001L, created, "one above the greatest the owner had; James's value is not used");
            old.inTransaction(c -> new PostgresMailboxDelivery(Clock.systemUTC()).deliver(c, new Delivery("d1", "alice",
                    "Later", "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8), false, Instant.now())));
            long drafts = upgraded.findMailboxByPath(path("alice", "Drafts")).block().getUidValidity().asLong();
            long later = upgraded.findMailboxByPath(path("alice", "Later")).block().getUidValidity().asLong();
            assertTrue(created < drafts && drafts < later && later < 4000000010L,
                    "the default folders and the folder a delivery creates too: " + drafts + ", " + later);
            long now = Instant.now().getEpochSecond();
            long fresh = upgraded.create(path("newcomer", "INBOX"), UidValidity.of(1)).block().getUidValidity().asLong();
            assertTrue(fresh >= now - 5 && fresh <= now + 5, "a new owner's start at the time: " + fresh);
        } finally {
            old.close();
        }
    }

    /** imap V8: search texts extracted before raw UTF-8 was read as UTF-8 are extracted again. */
    @Test
    void searchTextsWithLatin1MojibakeAreExtractedAgainAfterTheUpgrade() throws Exception {
        Database old = kind.freshDatabase();
        try {
            org.flywaydb.core.Flyway.configure().dataSource(old.dataSource()).schemas(ImapService.SCHEMA)
                    .createSchemas(true).table("flyway_history").locations(ImapService.MIGRATIONS).target("7")
                    .load().migrate();
            PostgresMailboxSessionMapperFactory before = new PostgresMailboxSessionMapperFactory(old.dataSource(),
                    Clock.systemUTC());
            Mailbox inbox = before.createMailboxMapper(null).create(path("alice", "INBOX"), UidValidity.of(1)).block();
            MessageMapper oldMessages = before.createMessageMapper(null);
            for (int i = 0; i < 3; i++) {
                oldMessages.add(inbox, message(inbox, "m" + i, new Flags()));
            }
            old.inTransaction(c -> c.createStatement().executeUpdate("UPDATE imap.message SET search_text = CASE uid"
                    + " WHEN 1 THEN 'subject: grã¼ãÿe' WHEN 2 THEN 'body: ' || chr(65533) ELSE 'subject: café' END"));
            old.migrate(new Schema(ImapService.SCHEMA, ImapService.MIGRATIONS));
            List<String> texts = old.inTransaction(c -> {
                var rs = c.createStatement().executeQuery("SELECT coalesce(search_text, 'NULL') FROM imap.message ORDER BY uid");
                List<String> found = new ArrayList<>();
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
                return found;
            });
            assertEquals(List.of("NULL", "NULL", "subject: café"), texts);
        } finally {
            old.close();
        }
    }

    @Test
    void aMailboxNameIsUniquePerOwnerOnly() {
        create("alice", "Same");
        create("bob", "Same");
        assertThrows(MailboxExistsException.class, () -> {
            try {
                create("alice", "Same");
            } catch (RuntimeException e) {
                throw e.getCause() != null ? e.getCause() : e;
            }
        });
    }

    @Test
    void listingIsLimitedToTheQueryingOwner() {
        create("alice", "A1");
        create("bob", "B1");
        MailboxQuery.UserBound query = MailboxQuery.builder().privateNamespace().username(Username.of("alice"))
                .matchesAllMailboxNames().build().asUserBound();
        List<String> names = mailboxes.findMailboxWithPathLike(query).map(Mailbox::getName).collectList().block();
        assertEquals(List.of("A1"), names);
        assertTrue(mailboxes.findNonPersonalMailboxes(Username.of("alice"), null).collectList().block().isEmpty());
    }

    @Test
    void uidsOnlyGrowEvenAfterTheNewestMessageIsExpunged() throws Exception {
        Mailbox inbox = create("alice", "INBOX");
        MessageMetaData first = messages.add(inbox, message(inbox, "one", new Flags()));
        MessageMetaData second = messages.add(inbox, message(inbox, "two", new Flags()));
        assertEquals(1, first.getUid().asLong());
        assertEquals(2, second.getUid().asLong());
        assertTrue(second.getModSeq().asLong() > first.getModSeq().asLong());
        messages.deleteMessages(inbox, List.of(second.getUid()));
        MessageMetaData third = messages.add(inbox, message(inbox, "three", new Flags()));
        assertEquals(3, third.getUid().asLong());
        assertEquals(MessageUid.of(3), messages.getLastUid(inbox).orElseThrow());
    }

    @Test
    void concurrentAppendsGetDistinctConsecutiveUids() throws Exception {
        Mailbox inbox = create("alice", "INBOX");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<MessageMetaData>> futures = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                int n = i;
                futures.add(pool.submit(() -> messages.add(inbox, message(inbox, "m" + n, new Flags()))));
            }
            Set<Long> uids = new TreeSet<>();
            for (Future<MessageMetaData> f : futures) {
                uids.add(f.get().getUid().asLong());
            }
            assertEquals(60, uids.size());
            assertEquals(1L, Collections.min(uids));
            assertEquals(60L, Collections.max(uids));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oneStoreGivesEveryChangedMessageOneNewModSeqAndLeavesTheOthers() throws Exception {
        Mailbox inbox = create("alice", "INBOX");
        messages.add(inbox, message(inbox, "seen already", new Flags(Flags.Flag.SEEN)));
        messages.add(inbox, message(inbox, "unseen", new Flags()));
        long before = messages.getHighestModSeq(inbox).asLong();
        List<UpdatedFlags> updates = new ArrayList<>();
        messages.updateFlags(inbox, new FlagsUpdateCalculator(new Flags(Flags.Flag.SEEN),
                MessageManager.FlagsUpdateMode.ADD), MessageRange.all()).forEachRemaining(updates::add);
        assertEquals(2, updates.size());
        assertEquals(before - 1, updates.get(0).getModSeq().asLong()); // unchanged: keeps the first add's MODSEQ
        assertEquals(before + 1, updates.get(1).getModSeq().asLong());
        assertEquals(before + 1, messages.getHighestModSeq(inbox).asLong());
        assertEquals(0, messages.getMailboxCounters(inbox).getUnseen());
    }

    @Test
    void copyAndMoveAssignNewUidsInTheTargetAndKeepTheBody() throws Exception {
        Mailbox inbox = create("alice", "INBOX");
        Mailbox archive = create("alice", "Archive");
        messages.add(inbox, message(inbox, "keep", new Flags(Flags.Flag.FLAGGED)));
        messages.add(inbox, message(inbox, "move", new Flags()));
        List<MailboxMessage> originals = new ArrayList<>();
        messages.findInMailbox(inbox, MessageRange.all(), MessageMapper.FetchType.METADATA, -1).forEachRemaining(originals::add);
        MessageMetaData copied = messages.copy(archive, originals.get(0));
        MessageMetaData moved = messages.move(archive, originals.get(1));
        assertEquals(1, copied.getUid().asLong());
        assertEquals(2, moved.getUid().asLong());
        assertTrue(copied.getFlags().contains(Flags.Flag.FLAGGED));
        assertEquals(1, messages.countMessagesInMailbox(inbox));
        MailboxMessage inArchive = messages.findInMailbox(archive, MessageRange.one(MessageUid.of(2)),
                MessageMapper.FetchType.FULL, -1).next();
        assertTrue(new String(inArchive.getFullContent().readAllBytes(), StandardCharsets.UTF_8).contains("body of move"));
    }

    @Test
    void deletingAMailboxDeletesItsMessages() throws Exception {
        Mailbox trash = create("alice", "Trash");
        messages.add(trash, message(trash, "gone", new Flags()));
        mailboxes.delete(trash).block();
        long rows = database.inTransaction(c -> {
            var rs = c.createStatement().executeQuery("SELECT count(*) FROM imap.message");
            rs.next();
            return rs.getLong(1);
        });
        assertEquals(0, rows);
    }

    @Test
    void searchEvaluatesNotOverUidSetsAndSentDatesAsWritten() throws Exception {
        Mailbox inbox = create("alice", "INBOX");
        for (String s : List.of("alpha", "beta", "gamma", "delta")) {
            messages.add(inbox, message(inbox, s, new Flags()));
        }
        PostgresMessageSearchIndex index = new PostgresMessageSearchIndex(database.dataSource());
        SearchQuery notTwoOrFour = SearchQuery.of(SearchQuery.not(SearchQuery.uid(new SearchQuery.UidRange[] {
            new SearchQuery.UidRange(MessageUid.of(2)), new SearchQuery.UidRange(MessageUid.of(4))})));
        assertEquals(List.of(1L, 3L), index.search(null, inbox, notTwoOrFour).map(MessageUid::asLong).collectList().block());
        // Written "Tue, 3 Jun 2025 23:30:00 -0700": that is 3 June where it was written, 4 June in UTC.
        Date june3 = Date.from(Instant.parse("2025-06-03T12:00:00Z"));
        SearchQuery sentOn = SearchQuery.of(SearchQuery.headerDateOn("Date", june3, SearchQuery.DateResolution.Day));
        assertEquals(4, index.search(null, inbox, sentOn).count().block());
        SearchQuery body = SearchQuery.of(SearchQuery.bodyContains("OF GAMMA"));
        assertEquals(List.of(3L), index.search(null, inbox, body).map(MessageUid::asLong).collectList().block());
        SearchQuery header = SearchQuery.of(SearchQuery.headerContains("Subject", "ELT"));
        assertEquals(List.of(4L), index.search(null, inbox, header).map(MessageUid::asLong).collectList().block());
    }

    @Test
    void subscriptionsBelongToTheirOwner() throws Exception {
        var subscriptions = store.createSubscriptionMapper(null);
        subscriptions.save(new org.apache.james.mailbox.store.user.model.Subscription(Username.of("alice"), "News"));
        assertTrue(subscriptions.findSubscriptionsForUser(Username.of("bob")).isEmpty());
        assertEquals(1, subscriptions.findSubscriptionsForUser(Username.of("alice")).size());
    }

    @Test
    void aDeliveryIdIsFiledOnceEvenWhenRetriedInANewTransaction() throws Exception {
        PostgresMailboxDelivery delivery = new PostgresMailboxDelivery(Clock.systemUTC());
        Delivery d = new Delivery("gw-42", "carol", "INBOX", "Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.UTF_8),
                false, Instant.now());
        Delivered first = database.inTransaction(c -> delivery.deliver(c, d));
        Delivered second = database.inTransaction(c -> delivery.deliver(c, d));
        assertFalse(first.duplicate());
        assertTrue(second.duplicate());
        assertEquals(first, new Delivered(second.uidValidity(), second.uid(), false));
        Mailbox inbox = mailboxes.findMailboxByPath(path("carol", "INBOX")).block();
        assertEquals(1, messages.countMessagesInMailbox(inbox));
        assertTrue(mailboxes.pathExists(path("carol", "Sent")).block(), "default folders were created");
    }
}
