package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 7162 CONDSTORE as a resyncing client uses it. */
class CondstoreTest {

    private static final Pattern HIGHEST = Pattern.compile("HIGHESTMODSEQ (\\d+)");

    @Test
    void changedSinceReturnsOnlyWhatChangedAndUnchangedSinceRefusesStaleStores() throws Exception {
        try (TestImap imap = TestImap.start(TestPostgres.EMBEDDED)) {
            for (int i = 0; i < 3; i++) {
                DeliveryHelper.deliver(imap, "alice", "INBOX", MailClient.simple("m" + i, "x"));
            }
            try (RawImap c = RawImap.tls(imap.imapsPort())) {
                c.login("alice");
                long highest = highest(c.command("SELECT INBOX (CONDSTORE)"));
                assertTrue(RawImap.last(c.command("STORE 2 +FLAGS.SILENT (\\Seen)")).contains("OK"));
                List<String> changed = c.command("FETCH 1:* (FLAGS) (CHANGEDSINCE " + highest + ")");
                assertEquals(2, changed.size(), changed.toString());
                assertTrue(changed.get(0).startsWith("* 2 FETCH") && changed.get(0).contains("MODSEQ ("), changed.get(0));
                long after = highest(c.command("STATUS INBOX (HIGHESTMODSEQ)"));
                assertTrue(after > highest);
                List<String> stale = c.command("STORE 2 (UNCHANGEDSINCE " + highest + ") +FLAGS (\\Flagged)");
                assertTrue(RawImap.last(stale).contains("OK [MODIFIED 2] STORE"), stale.toString());
                List<String> fresh = c.command("STORE 2 (UNCHANGEDSINCE " + after + ") +FLAGS (\\Flagged)");
                assertTrue(RawImap.last(fresh).contains("OK") && !RawImap.last(fresh).contains("MODIFIED"), fresh.toString());
            }
        }
    }

    /**
     * UID FETCH … (CHANGEDSINCE n) while another device appends and changes flags says nothing
     * twice: James repeated the new message's EXISTS (after the one sent before its FETCH) and,
     * after the FETCH lines, the flag changes those lines had just shown. FETCH likewise, with or
     * without CONDSTORE.
     */
    @Test
    void aFetchWhileAnotherSessionWorksSaysNothingTwice() throws Exception {
        try (TestImap imap = TestImap.start(TestPostgres.EMBEDDED)) {
            String user = imap.newUser("twice");
            for (int i = 0; i < 2; i++) {
                DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("m" + i, "x"));
            }
            try (RawImap a = RawImap.tls(imap.imapsPort()); RawImap b = RawImap.tls(imap.imapsPort());
                 RawImap plain = RawImap.tls(imap.imapsPort())) {
                a.login(user);
                b.login(user);
                plain.login(user);
                long highest = highest(a.command("SELECT INBOX (CONDSTORE)"));
                b.command("SELECT INBOX");
                plain.command("SELECT INBOX");
                String message = MailClient.simple("third", "x");
                assertTrue(RawImap.last(b.command("APPEND INBOX {" + message.length() + "+}\r\n" + message)).contains("OK"));
                b.command("STORE 1 +FLAGS (\\Flagged)");
                List<String> changed = a.command("UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + highest + ")");
                assertSaidOnce(changed, "* 3 EXISTS", "* 1 FETCH", "* 3 FETCH");
                assertTrue(changed.indexOf("* 3 EXISTS") < indexOf(changed, "* 3 FETCH"), changed.toString());

                b.command("STORE 2 +FLAGS (\\Seen)");
                assertSaidOnce(a.command("FETCH 1:* (FLAGS MODSEQ)"), "* 2 FETCH");
                // a session without CONDSTORE: flags alone, the FETCH's and the change's the same
                assertSaidOnce(plain.command("FETCH 1:* (FLAGS)"), "* 1 FETCH", "* 2 FETCH");
            }
        }
    }

    /** Each of {@code starts} begins exactly one line of {@code answer}. */
    private static void assertSaidOnce(List<String> answer, String... starts) {
        for (String start : starts) {
            assertEquals(1, answer.stream().filter(l -> l.startsWith(start)).count(), start + " once: " + answer);
        }
    }

    private static int indexOf(List<String> lines, String start) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(start)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * An empty folder's HIGHESTMODSEQ is 1, not 0 (RFC 7162's response code wants a
     * mod-sequence-value, at least 1; Dovecot says 1), in SELECT and STATUS, for a folder made now
     * and for one made before the upgrade (imap V10); the first change takes a value above it, so
     * CHANGEDSINCE 1 finds it.
     */
    @Test
    void anEmptyFoldersHighestModSeqIsOne() throws Exception {
        dev.liaison.mapping.database.Database database = TestPostgres.EMBEDDED.freshDatabase();
        org.flywaydb.core.Flyway.configure().dataSource(database.dataSource()).schemas(ImapService.SCHEMA)
                .createSchemas(true).table("flyway_history").locations(ImapService.MIGRATIONS).target("9")
                .load().migrate();
        database.inTransaction(c -> c.createStatement().executeUpdate("INSERT INTO imap.mailbox (namespace, owner,"
                + " name, uid_validity) VALUES ('#private', 'alice', 'Old', 7)"));
        try (TestImap imap = TestImap.owning(database); RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("alice");
            assertEquals(1, highest(c.command("SELECT Old (CONDSTORE)")));
            c.command("CREATE New");
            assertEquals(1, highest(c.command("STATUS New (HIGHESTMODSEQ)")));
            assertEquals(1, highest(c.command("SELECT New (CONDSTORE)")));
            String message = MailClient.simple("first", "x");
            assertTrue(RawImap.last(c.command("APPEND New {" + message.length() + "+}\r\n" + message)).contains("OK"));
            c.command("NOOP");
            List<String> changed = c.command("FETCH 1:* (FLAGS) (CHANGEDSINCE 1)");
            assertTrue(changed.get(0).startsWith("* 1 FETCH") && changed.get(0).contains("MODSEQ (2)"), changed.toString());
        }
    }

    /**
     * A body fetch that sets \Seen reports the change with the MODSEQ it took (RFC 7162 §3.1.4:
     * once CONDSTORE is enabled every untagged FETCH reporting a flag change carries MODSEQ), by
     * SELECT (CONDSTORE) and by ENABLE CONDSTORE; asked for, MODSEQ is the value after the change,
     * not before. Under QRESYNC the response also carries UID.
     */
    @Test
    void anImplicitSeenIsReportedWithItsModSeq() throws Exception {
        try (TestImap imap = TestImap.start(TestPostgres.EMBEDDED)) {
            for (int i = 0; i < 4; i++) {
                DeliveryHelper.deliver(imap, "alice", "INBOX", MailClient.simple("m" + i, "x"));
            }
            try (RawImap c = RawImap.tls(imap.imapsPort()); RawImap e = RawImap.tls(imap.imapsPort());
                 RawImap q = RawImap.tls(imap.imapsPort())) {
                c.login("alice");
                e.login("alice");
                q.login("alice");
                c.command("SELECT INBOX (CONDSTORE)");
                assertSeenWithModSeq(c, c.command("FETCH 1 (BODY[HEADER.FIELDS (SUBJECT)])"), "* 1 FETCH");
                assertSeenWithModSeq(c, c.command("FETCH 2 (MODSEQ BODY[TEXT])"), "* 2 FETCH");
                e.command("ENABLE CONDSTORE");
                e.command("SELECT INBOX");
                assertSeenWithModSeq(e, e.command("FETCH 3 (BODY[])"), "* 3 FETCH");
                q.command("ENABLE QRESYNC");
                q.command("SELECT INBOX");
                List<String> fetched = q.command("FETCH 4 (BODY[TEXT])");
                assertSeenWithModSeq(q, fetched, "* 4 FETCH");
                assertTrue(fetched.get(0).contains("UID 4"), fetched.toString());
            }
        }
    }

    /** The FETCH starting with {@code prefix} shows \Seen and MODSEQ, the folder's highest now. */
    private static void assertSeenWithModSeq(RawImap c, List<String> fetched, String prefix) throws Exception {
        String line = fetched.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
        Matcher modSeq = Pattern.compile("MODSEQ \\((\\d+)\\)").matcher(line);
        assertTrue(line.contains("\\Seen") && modSeq.find(), fetched.toString());
        assertEquals(highest(c.command("STATUS INBOX (HIGHESTMODSEQ)")), Long.parseLong(modSeq.group(1)), line);
    }

    /**
     * With QRESYNC, a MOVE that took messages away ends with the source folder's HIGHESTMODSEQ, as
     * EXPUNGE does (RFC 7162 §3.2.7; MOVE is COPY and UID EXPUNGE, RFC 6851 §3.3); with CONDSTORE
     * alone, or when nothing moved, the OK carries no code.
     */
    @Test
    void aMoveUnderQresyncEndsWithTheSourceFoldersHighestModSeq() throws Exception {
        try (TestImap imap = TestImap.start(TestPostgres.EMBEDDED)) {
            for (int i = 0; i < 4; i++) {
                DeliveryHelper.deliver(imap, "alice", "INBOX", MailClient.simple("m" + i, "x"));
            }
            try (RawImap c = RawImap.tls(imap.imapsPort()); RawImap other = RawImap.tls(imap.imapsPort())) {
                c.login("alice");
                other.login("alice");
                c.command("ENABLE QRESYNC");
                long before = highest(c.command("SELECT INBOX"));
                List<String> move = c.command("UID MOVE 2 Archive");
                assertTrue(move.contains("* VANISHED 2"), move.toString());
                Matcher tagged = Pattern.compile("a\\d+ OK \\[HIGHESTMODSEQ (\\d+)] MOVE completed\\.").matcher(RawImap.last(move));
                assertTrue(tagged.matches(), move.toString());
                long after = Long.parseLong(tagged.group(1));
                assertTrue(after > before, move.toString());
                assertEquals(after, highest(other.command("STATUS INBOX (HIGHESTMODSEQ)")));
                List<String> nothing = c.command("UID MOVE 2 Archive");
                assertTrue(RawImap.last(nothing).matches("a\\d+ OK MOVE completed\\."), nothing.toString());
                List<String> again = c.command("MOVE 1 Trash");
                assertTrue(RawImap.last(again).contains("OK [HIGHESTMODSEQ "), again.toString());
            }
            try (RawImap c = RawImap.tls(imap.imapsPort())) {
                c.login("alice");
                c.command("ENABLE CONDSTORE");
                c.command("SELECT INBOX");
                List<String> move = c.command("MOVE 1 Archive");
                assertTrue(RawImap.last(move).matches("a\\d+ OK MOVE completed\\."), move.toString());
            }
        }
    }

    private static long highest(List<String> lines) {
        for (String line : lines) {
            Matcher m = HIGHEST.matcher(line);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no HIGHESTMODSEQ in " + lines);
    }
}
