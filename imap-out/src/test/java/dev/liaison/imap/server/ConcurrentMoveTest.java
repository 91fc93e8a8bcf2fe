package dev.liaison.imap.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two sessions moving the same message, or copying a message another session expunges: both
 * read the message, then one finds it gone when it writes. That one answers OK having moved
 * nothing, or copied what is left (RFC 9051 §6.4.9: a UID that no longer exists is ignored;
 * Dovecot answers the same), not "processing failed" with an ERROR line; the message moves once. The race is made
 * certain by holding the target folder's row lock in a transaction of the test's until both
 * commands wait for it (PostgreSQL reports them waiting), after they have read the message.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrentMoveTest {

    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    @Test
    void twoSessionsMovingTheSameMessageBothAnswerOkAndItMovesOnce() throws Exception {
        String user = imap.newUser("mover");
        DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("move me once", "x"));
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        List<String> secondLater = new ArrayList<>();
        List<ILoggingEvent> errors = ResponseCodeTest.errorsDuring(() -> {
            try (RawImap a = selectedInbox(user); RawImap b = selectedInbox(user)) {
                try (Connection lock = lockFolder(user, "Trash")) {
                    a.send("m1 UID MOVE 1 Trash\r\n");
                    b.send("m2 UID MOVE 1 Trash\r\n");
                    imap.waitUntilWaitingForLocks(2);
                    lock.commit();
                }
                first.addAll(a.until("m1"));
                second.addAll(b.until("m2"));
                secondLater.addAll(b.command("NOOP"));
                first.addAll(a.command("NOOP"));
            }
        });
        assertTrue(first.stream().anyMatch(l -> l.startsWith("m1 OK")), first.toString());
        assertTrue(RawImap.last(second).startsWith("m2 OK"), second.toString());
        long withCopyUid = List.of(first, second).stream()
                .filter(lines -> lines.stream().anyMatch(l -> l.contains("[COPYUID "))).count();
        assertEquals(1, withCopyUid, "one session moved it: " + first + " " + second);
        for (List<String> session : List.of(first, concat(second, secondLater))) {
            assertEquals(List.of("* 1 EXPUNGE"), session.stream().filter(l -> l.endsWith("EXPUNGE")).toList(),
                    "each session hears of the message leaving once: " + session);
        }
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            assertEquals("* STATUS \"INBOX\" (MESSAGES 0)", c.command("STATUS INBOX (MESSAGES)").get(0));
            assertEquals("* STATUS \"Trash\" (MESSAGES 1)", c.command("STATUS Trash (MESSAGES)").get(0));
        }
        assertEquals(List.of(), errors, "a message another session moved is no server error");
    }

    @Test
    void aCopyOfAMessageExpungedMeanwhileAnswersOkAndCopiesTheRest() throws Exception {
        String user = imap.newUser("copier");
        DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("about to go", "x"));
        DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("staying", "x"));
        List<String> copy = new ArrayList<>();
        List<ILoggingEvent> errors = ResponseCodeTest.errorsDuring(() -> {
            try (RawImap a = selectedInbox(user); RawImap b = selectedInbox(user)) {
                try (Connection lock = lockFolder(user, "Archive")) {
                    a.send("c1 UID COPY 1:2 Archive\r\n");
                    imap.waitUntilWaitingForLocks(1);
                    b.command("UID STORE 1 +FLAGS.SILENT (\\Deleted)");
                    assertTrue(RawImap.last(b.command("UID EXPUNGE 1")).contains("OK"));
                    lock.commit();
                }
                copy.addAll(a.until("c1"));
            }
        });
        assertTrue(RawImap.last(copy).startsWith("c1 OK"), copy.toString());
        assertTrue(copy.stream().noneMatch(l -> l.contains("COPYUID")),
                "which messages were copied is not known where COPYUID is made: none rather than a wrong one: " + copy);
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            assertEquals("* STATUS \"Archive\" (MESSAGES 1)", c.command("STATUS Archive (MESSAGES)").get(0));
            assertEquals("* STATUS \"INBOX\" (MESSAGES 1)", c.command("STATUS INBOX (MESSAGES)").get(0));
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void aCopyOrMoveBySequenceNumberOfAMessageExpungedElsewhereIsExpungeIssuedAndChangesNothing() throws Exception {
        String user = imap.newUser("seqcopier");
        DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("about to go", "x"));
        DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("staying", "x"));
        List<ILoggingEvent> errors = ResponseCodeTest.errorsDuring(() -> {
            try (RawImap a = selectedInbox(user); RawImap b = selectedInbox(user)) {
                b.command("STORE 1 +FLAGS.SILENT (\\Deleted)");
                assertTrue(RawImap.last(b.command("EXPUNGE")).contains("OK"));
                // a was not told yet: its message 1 is the expunged one
                for (String command : List.of("COPY 1:2 Archive", "MOVE 1:* Trash", "COPY 1 Archive")) {
                    String answer = RawImap.last(a.command(command));
                    assertTrue(answer.matches("a\\d+ NO \\[EXPUNGEISSUED] .*"), command + ": " + answer);
                }
                assertEquals(List.of("* 1 EXPUNGE"), a.command("NOOP").stream().filter(l -> l.endsWith("EXPUNGE")).toList());
                assertTrue(RawImap.last(a.command("COPY 1 Archive")).contains("OK"), "asked again, it is copied");
            }
        });
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            assertEquals("* STATUS \"Archive\" (MESSAGES 1)", c.command("STATUS Archive (MESSAGES)").get(0));
            assertEquals("* STATUS \"Trash\" (MESSAGES 0)", c.command("STATUS Trash (MESSAGES)").get(0));
            assertEquals("* STATUS \"INBOX\" (MESSAGES 1)", c.command("STATUS INBOX (MESSAGES)").get(0));
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void aUidCopyOfAMessageExpungedElsewhereCopiesTheRest() throws Exception {
        String user = imap.newUser("uidcopier");
        DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("about to go", "x"));
        DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("staying", "x"));
        try (RawImap a = selectedInbox(user); RawImap b = selectedInbox(user)) {
            b.command("STORE 1 +FLAGS.SILENT (\\Deleted)");
            assertTrue(RawImap.last(b.command("EXPUNGE")).contains("OK"));
            assertTrue(RawImap.last(a.command("UID COPY 1:2 Archive")).matches("a\\d+ OK .*"),
                    "a UID that no longer exists is ignored (RFC 9051 6.4.9)");
        }
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            assertEquals("* STATUS \"Archive\" (MESSAGES 1)", c.command("STATUS Archive (MESSAGES)").get(0));
        }
    }

    @Test
    void aCopyBySequenceNumberRacingAnExpungeIsExpungeIssuedAndCopiesNothing() throws Exception {
        String user = imap.newUser("seqracer");
        DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("about to go", "x"));
        DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("staying", "x"));
        List<String> answer = new ArrayList<>();
        List<ILoggingEvent> errors = ResponseCodeTest.errorsDuring(() -> {
            try (RawImap a = selectedInbox(user); RawImap b = selectedInbox(user)) {
                try (Connection lock = lockFolder(user, "Archive")) {
                    a.send("c1 COPY 1:2 Archive\r\n"); // reads both messages, then waits for Archive
                    imap.waitUntilWaitingForLocks(1);
                    b.command("UID STORE 1 +FLAGS.SILENT (\\Deleted)");
                    assertTrue(RawImap.last(b.command("UID EXPUNGE 1")).contains("OK"));
                    lock.commit();
                }
                answer.addAll(a.until("c1"));
            }
        });
        assertTrue(RawImap.last(answer).startsWith("c1 NO [EXPUNGEISSUED] "), answer.toString());
        assertFolders(user, 0, 1);
        assertEquals(List.of(), errors);
    }

    /**
     * A MOVE locks its source folder's row before it writes, as an EXPUNGE does, so another session's
     * EXPUNGE cannot be held between the MOVE's read and its write; the message is taken away as
     * an expunge on another server would find it, its row deleted, while the MOVE waits for the target.
     */
    @Test
    void aMoveBySequenceNumberRacingAnExpungeIsExpungeIssuedAndMovesNothing() throws Exception {
        String user = imap.newUser("seqmover");
        DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("about to go", "x"));
        DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("staying", "x"));
        List<String> answer = new ArrayList<>();
        List<ILoggingEvent> errors = ResponseCodeTest.errorsDuring(() -> {
            try (RawImap a = selectedInbox(user)) {
                try (Connection lock = lockFolder(user, "Archive")) {
                    a.send("m1 MOVE 1:2 Archive\r\n"); // reads both messages, then waits for the folders' rows
                    imap.waitUntilWaitingForLocks(1);
                    try (Connection c = imap.database.dataSource().getConnection();
                         PreparedStatement s = c.prepareStatement("DELETE FROM imap.message WHERE uid = 1 AND mailbox_id ="
                                 + " (SELECT id FROM imap.mailbox WHERE owner = ? AND name = 'INBOX')")) {
                        s.setString(1, user);
                        assertEquals(1, s.executeUpdate());
                    }
                    lock.commit();
                }
                answer.addAll(a.until("m1"));
            }
        });
        assertTrue(RawImap.last(answer).startsWith("m1 NO [EXPUNGEISSUED] "), answer.toString());
        assertFolders(user, 0, 1);
        assertEquals(List.of(), errors);
    }

    private void assertFolders(String user, int archived, int inInbox) throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            assertEquals("* STATUS \"Archive\" (MESSAGES " + archived + ")", c.command("STATUS Archive (MESSAGES)").get(0));
            assertEquals("* STATUS \"INBOX\" (MESSAGES " + inInbox + ")", c.command("STATUS INBOX (MESSAGES)").get(0));
        }
    }

    private RawImap selectedInbox(String user) throws java.io.IOException {
        RawImap c = RawImap.tls(imap.imapsPort());
        c.login(user);
        assertTrue(RawImap.last(c.command("SELECT INBOX")).contains("OK"));
        return c;
    }

    /** A transaction holding {@code folder}'s row lock (what every COPY and MOVE into it takes) until committed. */
    private Connection lockFolder(String user, String folder) throws Exception {
        Connection c = imap.database.dataSource().getConnection();
        c.setAutoCommit(false);
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM imap.mailbox WHERE owner = ? AND name = ? FOR UPDATE")) {
            s.setString(1, user);
            s.setString(2, folder);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), "no folder " + folder);
            }
        }
        return c;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
