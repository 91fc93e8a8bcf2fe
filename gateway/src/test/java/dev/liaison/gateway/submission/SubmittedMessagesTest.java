package dev.liaison.gateway.submission;

import dev.liaison.gateway.Relay;
import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Telling a client's retry from another message under the same Message-ID, in the database. */
class SubmittedMessagesTest {

    private static final String KEY = SubmissionRouter.submissionKey("alex", "<id@alex.test>");
    private static final byte[] FIRST = digest("first message");
    private static final byte[] OTHER = digest("another message");

    /** With the default relay.expiry of 5 days. */
    private static final Duration RETENTION = SubmittedMessages.retention(Duration.ofDays(5));

    private final SubmittedMessages submitted = new SubmittedMessages();

    @Test
    void aRetryBuiltAgainWithAnotherDateIsTheSameMessageOtherContentIsNot() {
        String header = "From: alex@alex.test\r\nMessage-ID: <id@alex.test>\r\nSubject: hello\r\n";
        byte[] sent = SubmittedMessages.digest(bytes(header + "Date: Fri, 27 Nov 2026 19:00:00 +0000\r\n\r\nbody\r\n"), 0);
        assertArrayEquals(sent, SubmittedMessages.digest(bytes("Date: Fri,\r\n 27 Nov 2026 19:00:07 +0000\r\n" + header
                + "\r\nbody\r\n"), 0), "the date (folded or not, anywhere in the header) is no part of what was written");
        assertFalse(Arrays.equals(sent, SubmittedMessages.digest(bytes(header + "Date: Fri, 27 Nov 2026 19:00:00 +0000"
                + "\r\n\r\nbody, edited\r\n"), 0)), "another body is another message");
        assertFalse(Arrays.equals(sent, SubmittedMessages.digest(bytes(header.replace("hello", "hullo")
                + "\r\nbody\r\n"), 0)), "another subject too");
        assertFalse(Arrays.equals(sent, SubmittedMessages.digest(bytes(header + "\r\nDate: in the body\r\nbody\r\n"), 0)),
                "a body line that looks like a field counts");
        byte[] prefixed = bytes("Received: by gw\r\n" + header + "\r\nbody\r\n");
        assertArrayEquals(sent, SubmittedMessages.digest(prefixed, "Received: by gw\r\n".length()), "from the client's octets on");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void theFirstMessageAndItsRetriesKeepTheKeyAnotherGetsOneOfItsOwn() throws Exception {
        try (Database db = database()) {
            assertEquals(KEY, db.inTransaction(c -> submitted.take(c, KEY, FIRST).key()));
            SubmittedMessages.Taken retry = db.inTransaction(c -> submitted.take(c, KEY, FIRST));
            assertEquals(KEY, retry.key(), "a retry");
            assertTrue(retry.before(), "taken before: its invite@/accept@ are not run again");
            String other = db.inTransaction(c -> submitted.take(c, KEY, OTHER).key());
            assertNotEquals(KEY, other);
            assertEquals(64, other.length(), "a key like the first: hex SHA-256");
            assertEquals(other, db.inTransaction(c -> submitted.take(c, KEY, OTHER).key()), "a retry of the other");
            assertEquals(KEY, db.inTransaction(c -> submitted.take(c, KEY, FIRST).key()), "the first again");
            String otherUser = SubmissionRouter.submissionKey("blair", "<id@alex.test>");
            assertEquals(otherUser, db.inTransaction(c -> submitted.take(c, otherUser, OTHER).key()),
                    "another sender's id is another key");
        }
    }

    @Test
    void aRolledBackSubmissionLeavesNothingBehind() throws Exception {
        try (Database db = database()) {
            assertThrows(IllegalStateException.class, () -> db.inTransaction(c -> {
                submitted.take(c, KEY, OTHER).key();
                throw new IllegalStateException("refused after the key was chosen");
            }));
            assertEquals(KEY, db.inTransaction(c -> submitted.take(c, KEY, FIRST).key()),
                    "the message refused was never taken: the next one under the id is the first");
        }
    }

    /** Two first submissions under one key at once: the second waits for the first and is told apart. */
    @Test
    void concurrentSubmissionsUnderOneKeyAreOrdered() throws Exception {
        try (Database db = database(); Connection first = db.dataSource().getConnection()) {
            first.setAutoCommit(false);
            assertEquals(KEY, submitted.take(first, KEY, FIRST).key());
            CompletableFuture<String> second = CompletableFuture.supplyAsync(
                    () -> db.inTransaction(c -> submitted.take(c, KEY, OTHER).key()));
            assertThrows(TimeoutException.class, () -> second.get(300, TimeUnit.MILLISECONDS),
                    "waits for the first transaction");
            assertFalse(second.isDone());
            first.commit();
            assertEquals(SubmittedMessages.anotherMessage(KEY, OTHER), second.get(10, TimeUnit.SECONDS));
        }
    }

    /**
     * Rows are forgotten once older than the retention, in batches; a younger one still tells a
     * retry from another message. Before, rows were kept for good.
     */
    @Test
    void rowsOlderThanTheRetentionAreForgottenInBatchesYoungerOnesStillRecogniseARetry() throws Exception {
        String young = SubmissionRouter.submissionKey("alex", "<young@alex.test>");
        try (Database db = database()) {
            for (String key : new String[] {"old-1", "old-2", "old-3", young}) {
                db.inTransaction(c -> submitted.take(c, key, FIRST));
            }
            execute(db, "UPDATE relay.submitted_messages SET submitted_at = now() - interval '21 days'"
                    + " WHERE submission_key LIKE 'old-%'");
            execute(db, "UPDATE relay.submitted_messages SET submitted_at = now() - interval '19 days'"
                    + " WHERE submission_key = '" + young + "'");
            Instant before = Instant.now().minus(RETENTION);

            assertEquals(2, forget(db, before, 2), "at most a batch");
            assertEquals(1, forget(db, before, 2));
            assertEquals(0, forget(db, before, 2));
            assertTrue(db.inTransaction(c -> submitted.take(c, young, FIRST)).before(), "a retry inside the retention");
            assertEquals(SubmittedMessages.anotherMessage(young, OTHER),
                    db.inTransaction(c -> submitted.take(c, young, OTHER)).key(), "another message inside it");
            SubmittedMessages.Taken again = db.inTransaction(c -> submitted.take(c, "old-1", OTHER));
            assertEquals(new SubmittedMessages.Taken("old-1", false), again, "a forgotten key is a first message again");
        }
    }

    /**
     * Another message under an id keeps the row for the whole retention from then on: its own retries
     * must still be told from the first message, though the first was long ago.
     */
    @Test
    void anotherMessageUnderAnOldIdKeepsTheRowForItsOwnRetries() throws Exception {
        try (Database db = database()) {
            db.inTransaction(c -> submitted.take(c, KEY, FIRST));
            execute(db, "UPDATE relay.submitted_messages SET submitted_at = now() - interval '19 days'");
            String other = db.inTransaction(c -> submitted.take(c, KEY, OTHER)).key();

            assertEquals(0, forget(db, Instant.now().minus(Duration.ofDays(18)), 10),
                    "the other message renewed the row");
            assertEquals(other, db.inTransaction(c -> submitted.take(c, KEY, OTHER)).key(),
                    "a retry of the other message is still that message");
        }
    }

    /** A batch reads the rows it deletes, not the whole table. */
    @Test
    void oldRowsAreFoundByAnIndexNotAScanOfEverySubmission() throws Exception {
        try (Database db = database()) {
            execute(db, "INSERT INTO relay.submitted_messages (submission_key, digest, submitted_at) SELECT 'k-' || n,"
                    + " sha256(n::text::bytea), now() - (n || ' minutes')::interval FROM generate_series(1, 40000) AS n");
            execute(db, "ANALYZE relay.submitted_messages");
            String plan = db.inTransaction(c -> {
                StringBuilder lines = new StringBuilder();
                try (var s = c.prepareStatement("EXPLAIN " + SubmittedMessages.FORGET)) {
                    s.setTimestamp(1, Timestamp.from(Instant.now().minus(RETENTION)));
                    s.setInt(2, 1000);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            lines.append(rs.getString(1)).append('\n');
                        }
                    }
                }
                return lines.toString();
            });
            assertTrue(plan.contains("submitted_messages_submitted_at"), "found through the index:\n" + plan);
            assertFalse(plan.contains("Seq Scan"), "no table scan:\n" + plan);
        }
    }

    private int forget(Database db, Instant before, int max) throws SQLException {
        return db.inTransaction(c -> submitted.forget(c, before, max));
    }

    private static void execute(Database db, String sql) throws SQLException {
        db.inAutocommit(c -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
            return null;
        });
    }

    private static Database database() {
        Database db = TestPostgres.available().get(0).freshDatabase();
        db.migrate(MappingSchema.SCHEMA);
        Relay.migrate(db);
        return db;
    }

    private static byte[] digest(String message) {
        return SubmittedMessages.digest(message.getBytes(StandardCharsets.US_ASCII), 0);
    }
}
