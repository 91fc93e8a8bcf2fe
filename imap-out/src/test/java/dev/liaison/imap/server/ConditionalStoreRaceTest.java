package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * STORE (UNCHANGEDSINCE m) from two devices at once (RFC 7162 §3.1.3): both read MODSEQ m, both
 * send a conditional STORE of the same message; exactly one succeeds, the other answers
 * {@code OK [MODIFIED n]} and changes nothing. The race is held open, not hoped for: a transaction
 * holds the folder row (which every flag change locks first), both STOREs pass James's check and
 * wait for it, then it is released.
 */
class ConditionalStoreRaceTest {

    private static final Pattern MODSEQ = Pattern.compile("MODSEQ \\((\\d+)\\)");

    @Test
    void ofTwoConditionalStoresOfOneMessageAtOnceOneSucceedsAndTheOtherIsModified() throws Exception {
        try (TestImap imap = TestImap.start(TestPostgres.EMBEDDED)) {
            String user = imap.newUser("devices");
            DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("first", "x"));
            DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("second", "x"));
            race(imap, user, "UID STORE 1", 1);
            race(imap, user, "STORE 2", 2);
        }
    }

    private static void race(TestImap imap, String user, String store, int message) throws Exception {
        try (RawImap a = selected(imap, user); RawImap b = selected(imap, user)) {
            long modSeq = modSeq(a.command("FETCH " + message + " (MODSEQ)"));
            List<String> answerA;
            List<String> answerB;
            try (Connection lock = lockFolder(imap, user)) {
                a.send("s1 " + store + " (UNCHANGEDSINCE " + modSeq + ") FLAGS (\\Seen)\r\n");
                b.send("s2 " + store + " (UNCHANGEDSINCE " + modSeq + ") FLAGS (\\Flagged)\r\n");
                imap.waitUntilWaitingForLocks(2); // both checked MODSEQ m and wait to change the flags
                lock.commit();
                answerA = a.until("s1");
                answerB = b.until("s2");
            }
            String lastA = RawImap.last(answerA);
            String lastB = RawImap.last(answerB);
            String modified = "OK [MODIFIED " + message + "]";
            assertTrue(lastA.startsWith("s1 OK") && lastB.startsWith("s2 OK"), answerA + " " + answerB);
            assertTrue(lastA.contains(modified) != lastB.contains(modified),
                    "exactly one STORE must fail as modified: " + answerA + " " + answerB);
            String winner = lastA.contains(modified) ? "\\Flagged" : "\\Seen";
            try (RawImap c = selected(imap, user)) {
                String flags = c.command("FETCH " + message + " (FLAGS)").get(0);
                assertTrue(flags.contains("FLAGS (" + winner + ")"), "the winner's flags only: " + flags);
            }
        }
    }

    private static RawImap selected(TestImap imap, String user) throws java.io.IOException {
        RawImap c = RawImap.tls(imap.imapsPort());
        c.login(user);
        assertTrue(RawImap.last(c.command("SELECT INBOX (CONDSTORE)")).contains("OK"));
        return c;
    }

    private static long modSeq(List<String> lines) {
        for (String line : lines) {
            Matcher m = MODSEQ.matcher(line);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no MODSEQ in " + lines);
    }

    /** A transaction holding the INBOX row's lock until committed. */
    private static Connection lockFolder(TestImap imap, String user) throws Exception {
        Connection c = imap.database.dataSource().getConnection();
        c.setAutoCommit(false);
        try (PreparedStatement s = c.prepareStatement(
                "SELECT id FROM imap.mailbox WHERE owner = ? AND name = 'INBOX' FOR UPDATE")) {
            s.setString(1, user);
            assertEquals(true, s.executeQuery().next(), "no INBOX");
        }
        return c;
    }
}
