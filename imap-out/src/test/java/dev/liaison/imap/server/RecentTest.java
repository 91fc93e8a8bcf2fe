package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** \Recent (RFC 3501 §2.3.2): recent for the session that first selected the folder since they came. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecentTest {

    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    /** SEARCH RECENT and NEW found nothing right after SELECT announced {@code * 3 RECENT}. */
    @Test
    void searchFindsTheMessagesThisSessionSeesAsRecent() throws Exception {
        String user = imap.newUser("recent");
        for (int i = 1; i <= 3; i++) {
            DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("new " + i, "body"));
        }
        try (RawImap first = RawImap.tls(imap.imapsPort()); RawImap second = RawImap.tls(imap.imapsPort())) {
            first.login(user);
            assertTrue(first.command("SELECT INBOX").contains("* 3 RECENT"));
            assertTrue(first.command("FETCH 1:3 (FLAGS)").stream().filter(l -> l.startsWith("* ") && l.contains(" FETCH "))
                    .allMatch(l -> l.contains("\\Recent")), "FETCH FLAGS shows them \\Recent");
            assertEquals("* SEARCH 1 2 3", search(first, "SEARCH RECENT"));
            assertEquals("* SEARCH 1 2 3", search(first, "SEARCH NEW"));
            assertEquals("* SEARCH", search(first, "SEARCH OLD"));
            first.command("STORE 2 +FLAGS (\\Seen)");
            assertEquals("* SEARCH 1 3", search(first, "SEARCH NEW"));
            assertEquals("* SEARCH 2", search(first, "SEARCH RECENT SEEN"));
            assertEquals("* SEARCH 1 2", search(first, "SEARCH OR (RECENT SEEN) 1"), "inside OR too");

            second.login(user);
            assertTrue(second.command("SELECT INBOX").contains("* 0 RECENT"));
            assertEquals("* SEARCH", search(second, "SEARCH RECENT"), "recent for the first session only");
            assertEquals("* SEARCH 1 2 3", search(second, "SEARCH OLD"));
        }
    }

    /** James kept expunged UIDs \Recent for good: RECENT grew past EXISTS after another session's expunges. */
    @Test
    void recentNeverCountsMessagesExpungedElsewhere() throws Exception {
        String user = imap.newUser("recexp");
        for (int i = 1; i <= 3; i++) {
            DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("new " + i, "body"));
        }
        try (RawImap first = RawImap.tls(imap.imapsPort()); RawImap other = RawImap.tls(imap.imapsPort())) {
            first.login(user);
            assertTrue(first.command("SELECT INBOX").contains("* 3 RECENT"));
            other.login(user);
            other.command("SELECT INBOX");
            other.command("STORE 1:2 +FLAGS.SILENT (\\Deleted)");
            assertTrue(RawImap.last(other.command("EXPUNGE")).contains("OK"));
            List<String> told = new java.util.ArrayList<>(first.command("NOOP"));
            DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("new 4", "body"));
            told.addAll(first.command("NOOP"));
            assertTrue(told.contains("* 2 EXISTS") && told.contains("* 2 RECENT"), "3 and 4 are recent: " + told);
            long exists = 3;
            for (String line : told) {
                if (line.matches("\\* \\d+ EXPUNGE")) {
                    exists--;
                } else if (line.matches("\\* \\d+ EXISTS")) {
                    exists = Long.parseLong(line.split(" ")[1]);
                } else if (line.matches("\\* \\d+ RECENT")) {
                    assertTrue(Long.parseLong(line.split(" ")[1]) <= exists, "RECENT within EXISTS: " + told);
                }
            }
            assertEquals("* SEARCH 1 2", search(first, "SEARCH RECENT"));
        }
    }

    /**
     * RFC 3501 §2.3.2: \Recent is set in one session only. A message delivered, and one appended by
     * a fourth session, while three sessions have the folder selected were \Recent in all three
     * (James marks every arriving UID recent in every session that has the folder selected). The
     * first session to hear of it (its NOOP) has it; the others see it as not recent, in RECENT,
     * FETCH FLAGS and SEARCH RECENT alike, and so does the next SELECT.
     */
    @Test
    void aMessageArrivingWhileSeveralSessionsHaveTheFolderSelectedIsRecentInOneOfThem() throws Exception {
        String user = imap.newUser("recone");
        DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("old", "body"));
        try (RawImap a = RawImap.tls(imap.imapsPort()); RawImap b = RawImap.tls(imap.imapsPort());
             RawImap c = RawImap.tls(imap.imapsPort()); RawImap appender = RawImap.tls(imap.imapsPort())) {
            for (RawImap s : List.of(a, b, c)) {
                s.login(user);
                String recent = s == a ? "* 1 RECENT" : "* 0 RECENT";
                assertTrue(s.command("SELECT INBOX").contains(recent), "the old message is the first SELECT's");
            }
            DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("delivered", "body"));
            assertTrue(b.command("NOOP").contains("* 1 RECENT"), "b hears of it first");
            List<String> toA = a.command("NOOP");
            assertTrue(toA.contains("* 2 EXISTS") && toA.contains("* 1 RECENT"), "a keeps only the old one: " + toA);
            List<String> toC = c.command("NOOP");
            assertTrue(toC.contains("* 2 EXISTS") && toC.contains("* 0 RECENT"), toC.toString());
            assertRecentIn(b, List.of(a, c), "* SEARCH 2", 2);

            appender.login(user);
            String message = MailClient.simple("appended", "body");
            assertTrue(RawImap.last(appender.command("APPEND INBOX {" + message.length() + "+}\r\n" + message))
                    .contains("OK"));
            assertTrue(c.command("NOOP").contains("* 1 RECENT"), "c hears of it first, b keeps its own");
            List<String> toB = b.command("NOOP");
            assertTrue(toB.contains("* 3 EXISTS") && !toB.contains("* 2 RECENT"), toB.toString());
            assertTrue(a.command("NOOP").contains("* 1 RECENT"));
            assertRecentIn(c, List.of(a, b), "* SEARCH 3", 3);
            assertEquals("* SEARCH 2", search(b, "SEARCH RECENT"), "b still has the delivered one");
            assertEquals("* SEARCH 1", search(a, "SEARCH RECENT"), "a still has the old one");

            appender.command("SELECT INBOX");
            assertEquals("* SEARCH", search(appender, "SEARCH RECENT"), "taken by sessions that had it selected");
        }
    }

    /**
     * Two SELECTs at once: James read the recent messages, then cleared them in a second statement,
     * so both had them. The race is held open by a lock on the message's row until both wait for it.
     */
    @Test
    void ofTwoSelectsAtOnceOneHasTheRecentMessage() throws Exception {
        String user = imap.newUser("recsel");
        DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("contested", "body"));
        try (RawImap a = RawImap.tls(imap.imapsPort()); RawImap b = RawImap.tls(imap.imapsPort())) {
            a.login(user);
            b.login(user);
            List<String> first;
            List<String> second;
            try (java.sql.Connection lock = imap.database.dataSource().getConnection()) {
                lock.setAutoCommit(false);
                try (java.sql.PreparedStatement s = lock.prepareStatement("SELECT m.uid FROM imap.message m"
                        + " JOIN imap.mailbox f ON f.id = m.mailbox_id WHERE f.owner = ? AND f.name = 'INBOX' FOR UPDATE")) {
                    s.setString(1, user);
                    assertTrue(s.executeQuery().next());
                }
                String ta = a.nextTag();
                String tb = b.nextTag();
                a.send(ta + " SELECT INBOX\r\n");
                b.send(tb + " SELECT INBOX\r\n");
                imap.waitUntilWaitingForLocks(2);
                lock.commit();
                first = a.until(ta);
                second = b.until(tb);
            }
            assertTrue(RawImap.last(first).contains("OK") && RawImap.last(second).contains("OK"), first + " " + second);
            List<String> counts = java.util.stream.Stream.concat(first.stream(), second.stream())
                    .filter(l -> l.endsWith(" RECENT")).sorted().toList();
            assertEquals(List.of("* 0 RECENT", "* 1 RECENT"), counts, first + " " + second);
        }
    }

    /** An idling session hears of the message at once, so it is the one that has it. */
    @Test
    void anIdlingSessionThatHearsFirstHasTheMessageRecent() throws Exception {
        String user = imap.newUser("recidle");
        try (RawImap idler = RawImap.tls(imap.imapsPort()); RawImap other = RawImap.tls(imap.imapsPort())) {
            for (RawImap s : List.of(idler, other)) {
                s.login(user);
                s.command("SELECT INBOX");
            }
            String tag = idler.nextTag();
            idler.send(tag + " IDLE\r\n");
            assertTrue(idler.line().startsWith("+"));
            DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("while idling", "body"));
            List<String> pushed = new java.util.ArrayList<>();
            while (!pushed.contains("* 1 RECENT") && !pushed.contains("* 0 RECENT")) {
                pushed.add(idler.line());
            }
            idler.send("DONE\r\n");
            assertTrue(RawImap.last(idler.until(tag)).contains("OK"));
            assertTrue(pushed.contains("* 1 EXISTS") && pushed.contains("* 1 RECENT"), pushed.toString());
            assertTrue(other.command("NOOP").contains("* 0 RECENT"));
            assertRecentIn(idler, List.of(other), "* SEARCH 1", 1);
        }
    }

    /**
     * A session that watches a folder settles only what arrived since it last settled; an expunge
     * elsewhere, or a message another session took first, must not leave its count wrong. Each push
     * of the idler's is checked against what it should hold: every delivery while it idles is its
     * own; one the other session heard of first (its NOOP while the idler was not idling) is not.
     */
    @Test
    void aWatchingSessionCountsWhatArrivesAcrossExpungesAndOthersClaims() throws Exception {
        String user = imap.newUser("recwatch");
        try (RawImap idler = RawImap.tls(imap.imapsPort()); RawImap other = RawImap.tls(imap.imapsPort())) {
            idler.login(user);
            idler.command("SELECT INBOX");
            other.login(user);
            other.command("SELECT INBOX");
            String tag = idle(idler);
            for (int n = 1; n <= 4; n++) {
                DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("watched " + n, "body"));
                awaitPush(idler, "* " + n + " EXISTS", "* " + n + " RECENT");
            }
            other.command("NOOP");
            other.command("STORE 2 +FLAGS.SILENT (\\Deleted)");
            assertTrue(RawImap.last(other.command("EXPUNGE")).contains("OK"));
            awaitPush(idler, "* 2 EXPUNGE", "* 3 RECENT");
            DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("after the expunge", "body"));
            awaitPush(idler, "* 4 EXISTS", "* 4 RECENT");
            done(idler, tag);

            DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("the other's", "body"));
            assertTrue(other.command("NOOP").contains("* 1 RECENT"), "the other session hears of it first");
            List<String> told = idler.command("NOOP");
            assertTrue(told.contains("* 5 EXISTS") && told.contains("* 4 RECENT"), told.toString());
            tag = idle(idler);
            DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("the idler's again", "body"));
            awaitPush(idler, "* 6 EXISTS", "* 5 RECENT");
            done(idler, tag);
            assertEquals("* SEARCH 1 2 3 4 6", search(idler, "SEARCH RECENT"));
            assertEquals("* SEARCH 5", search(other, "SEARCH RECENT"));
        }
    }

    private static String idle(RawImap c) throws Exception {
        String tag = c.nextTag();
        c.send(tag + " IDLE\r\n");
        assertTrue(c.line().startsWith("+"));
        return tag;
    }

    private static void done(RawImap c, String tag) throws Exception {
        c.send("DONE\r\n");
        assertTrue(RawImap.last(c.until(tag)).contains("OK"));
    }

    /** Reads pushed lines until {@code last}; all of {@code expected} must be among them, and no other RECENT. */
    private static void awaitPush(RawImap c, String... expected) throws Exception {
        List<String> pushed = new java.util.ArrayList<>();
        String last = expected[expected.length - 1];
        while (!pushed.contains(last)) {
            String line = c.line();
            assertTrue(!line.endsWith(" RECENT") || line.equals(last), "pushed " + line + " after " + pushed);
            pushed.add(line);
        }
        assertTrue(pushed.containsAll(List.of(expected)), pushed.toString());
    }

    /**
     * EXAMINE takes nothing (RFC 3501 §6.3.2): it shows what no session took as recent, a later
     * SELECT still has it, and what arrives while the folder is examined is the selecting session's.
     */
    @Test
    void examineShowsWhatNoSessionTookAndTakesNothing() throws Exception {
        String user = imap.newUser("recexa");
        DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("one", "body"));
        try (RawImap examining = RawImap.tls(imap.imapsPort()); RawImap selecting = RawImap.tls(imap.imapsPort())) {
            examining.login(user);
            assertTrue(examining.command("EXAMINE INBOX").contains("* 1 RECENT"));
            selecting.login(user);
            assertTrue(selecting.command("SELECT INBOX").contains("* 1 RECENT"));
            DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("two", "body"));
            List<String> toExamining = examining.command("NOOP");
            assertTrue(toExamining.contains("* 2 EXISTS") && toExamining.contains("* 1 RECENT"), toExamining.toString());
            assertTrue(selecting.command("NOOP").contains("* 2 RECENT"));
            assertEquals("* SEARCH 1", search(examining, "SEARCH RECENT"));
            assertEquals("* SEARCH 1 2", search(selecting, "SEARCH RECENT"));
        }
    }

    /** {@code owner} shows message {@code n} \Recent in FETCH and SEARCH, none of {@code others} does. */
    private static void assertRecentIn(RawImap owner, List<RawImap> others, String search, int n) throws Exception {
        assertTrue(owner.command("FETCH " + n + " (FLAGS)").get(0).contains("\\Recent"));
        assertEquals(search, search(owner, "SEARCH RECENT"));
        for (RawImap other : others) {
            String flags = other.command("FETCH " + n + " (FLAGS)").get(0);
            assertTrue(flags.contains(" FETCH ") && !flags.contains("\\Recent"), flags);
            assertEquals("* SEARCH", search(other, "SEARCH RECENT " + n));
        }
    }

    private static String search(RawImap c, String command) throws Exception {
        List<String> answer = c.command(command);
        assertTrue(RawImap.last(answer).contains("OK"), command + ": " + answer);
        return answer.stream().filter(line -> line.startsWith("* SEARCH")).findFirst().orElse("");
    }
}
