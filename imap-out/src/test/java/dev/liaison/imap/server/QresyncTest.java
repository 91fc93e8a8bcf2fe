package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SELECT/EXAMINE with the QRESYNC parameter (RFC 7162 §3.2.5.1): the server sends a FETCH with
 * UID, FLAGS and MODSEQ for every message in the known UID set changed or added since the given
 * mod-sequence, and VANISHED (EARLIER) for those expunged, before the tagged OK.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QresyncTest {

    private static final Pattern MODSEQ = Pattern.compile("MODSEQ \\((\\d+)\\)");
    private static final Pattern UIDVALIDITY = Pattern.compile("UIDVALIDITY (\\d+)");
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
    void selectWithQresyncReportsEveryMessageChangedOrAddedSinceTheGivenModSeq() throws Exception {
        for (int i = 1; i <= 5; i++) {
            DeliveryHelper.deliver(imap, "alice", "T1", MailClient.simple("message " + i, "x"));
        }
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("alice");
            c.command("ENABLE QRESYNC");
            long uidValidity = number(UIDVALIDITY, c.command("SELECT T1"));
            long deleted = number(MODSEQ, c.command("UID STORE 1:2 +FLAGS (\\Deleted)"));
            c.command("EXPUNGE");
            long flagged = number(MODSEQ, c.command("UID STORE 3 +FLAGS (\\Flagged)"));
            c.command("UNSELECT");
            DeliveryHelper.deliver(imap, "alice", "T1", MailClient.simple("message 6", "x"));
            for (String command : List.of("SELECT", "EXAMINE")) {
                List<String> answer = c.command(command + " T1 (QRESYNC (" + uidValidity + " " + (flagged - 1) + " 1:10))");
                assertTrue(RawImap.last(answer).contains("OK"), answer.toString());
                List<String> fetches = answer.stream().filter(line -> line.contains(" FETCH ")).toList();
                assertEquals(2, fetches.size(), answer.toString());
                assertTrue(fetches.get(0).startsWith("* 1 FETCH (") && fetches.get(0).contains("UID 3")
                        && fetches.get(0).contains("\\Flagged") && fetches.get(0).contains("MODSEQ (" + flagged + ")"),
                        answer.toString());
                assertTrue(fetches.get(1).startsWith("* 4 FETCH (") && fetches.get(1).contains("UID 6")
                        && fetches.get(1).contains("MODSEQ ("), answer.toString());
                c.command("UNSELECT");
            }
            List<String> beforeExpunge = c.command("SELECT T1 (QRESYNC (" + uidValidity + " " + deleted + " 1:10))");
            assertTrue(beforeExpunge.contains("* VANISHED (EARLIER) 1:2"), beforeExpunge.toString());
            c.command("UNSELECT");
            List<String> current = c.command("SELECT T1 (QRESYNC (" + uidValidity + " " + number(MODSEQ,
                    c.command("STATUS T1 (HIGHESTMODSEQ)").stream().map(l -> l.replace("HIGHESTMODSEQ ", "MODSEQ (")
                            .replace(")", "))")).toList()) + " 1:10))");
            assertTrue(current.stream().noneMatch(line -> line.contains(" FETCH ")), "nothing changed: " + current);
        }
    }

    /**
     * A client may name any UID set; VANISHED is computed as ranges between the UIDs the session
     * holds, so the whole UID space costs no more than the folder's size (James walked it UID by UID
     * into a set: an empty folder and {@code 1:4294967295} could fill the server's heap).
     */
    @Test
    void theWholeUidSpaceIsAnsweredPromptlyAndOnlyTheGapsAreVanished() throws Exception {
        for (int i = 1; i <= 6; i++) {
            DeliveryHelper.deliver(imap, "bob", "V1", MailClient.simple("message " + i, "x"));
        }
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("bob");
            c.command("ENABLE QRESYNC");
            c.command("CREATE Empty");
            long emptyValidity = number(UIDVALIDITY, c.command("SELECT Empty"));
            c.command("UNSELECT");
            long uidValidity = number(UIDVALIDITY, c.command("SELECT V1"));
            c.command("UID STORE 2:3,5 +FLAGS (\\Deleted)");
            c.command("EXPUNGE");
            c.command("UNSELECT");
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> {
                List<String> empty = c.command("SELECT Empty (QRESYNC (" + emptyValidity + " 1 1:4294967295))");
                assertTrue(RawImap.last(empty).contains("OK"), empty.toString());
                c.command("UNSELECT");
                List<String> answer = c.command("SELECT V1 (QRESYNC (" + uidValidity + " 1 1:4294967295))");
                assertTrue(RawImap.last(answer).contains("OK"), answer.toString());
                assertTrue(answer.contains("* VANISHED (EARLIER) 2:3,5"), answer.toString());
                List<String> fetched = c.command("UID FETCH 1:4294967295,2:4 (FLAGS) (CHANGEDSINCE 1 VANISHED)");
                assertTrue(fetched.contains("* VANISHED (EARLIER) 2:3,5"), fetched.toString());
            });
        }
    }

    /**
     * UIDs expunged above the highest the folder still holds were never reported (James stopped at
     * that UID), so a client kept the newest messages deleted elsewhere; the bound is the UIDNEXT
     * the selection announces.
     */
    @Test
    void expungedUidsAboveTheFoldersLastAreVanishedUpToUidNext() throws Exception {
        String user = imap.newUser("top");
        for (int i = 1; i <= 5; i++) {
            DeliveryHelper.deliver(imap, user, "W", MailClient.simple("message " + i, "x"));
        }
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            c.command("ENABLE QRESYNC");
            long uidValidity = number(UIDVALIDITY, c.command("SELECT W"));
            c.command("UID STORE 2,4:5 +FLAGS.SILENT (\\Deleted)");
            c.command("EXPUNGE");
            c.command("UNSELECT");
            for (String command : List.of("SELECT", "EXAMINE")) {
                for (String known : List.of(" 1:5", "", " 1:4294967295", " 4:9")) {
                    List<String> answer = c.command(command + " W (QRESYNC (" + uidValidity + " 1" + known + "))");
                    assertTrue(RawImap.last(answer).contains("OK"), answer.toString());
                    List<String> vanished = answer.stream().filter(l -> l.startsWith("* VANISHED")).toList();
                    assertEquals(List.of(known.equals(" 4:9") ? "* VANISHED (EARLIER) 4:5" : "* VANISHED (EARLIER) 2,4:5"),
                            vanished, command + known + ": " + answer);
                    c.command("UNSELECT");
                }
            }
            DeliveryHelper.deliver(imap, user, "W", MailClient.simple("message 6", "x"));
            List<String> arrived = c.command("SELECT W (QRESYNC (" + uidValidity + " 1 1:9))");
            assertEquals(List.of("* VANISHED (EARLIER) 2,4:5"),
                    arrived.stream().filter(l -> l.startsWith("* VANISHED")).toList(), arrived.toString());
            assertTrue(arrived.stream().anyMatch(l -> l.contains(" FETCH (") && l.contains("UID 6")), arrived.toString());
            c.command("STORE 1:* +FLAGS.SILENT (\\Deleted)");
            c.command("EXPUNGE");
            c.command("UNSELECT");
            List<String> empty = c.command("SELECT W (QRESYNC (" + uidValidity + " 1 1:9))");
            assertTrue(empty.contains("* VANISHED (EARLIER) 1:6"), "an emptied folder: " + empty);
        }
    }

    /**
     * RFC 7162 §3.2.6: UID FETCH with VANISHED reports the messages "from the UID set parameter"
     * that were expunged. It stopped at the session's last UID, so a client that knew UIDs above it
     * (the newest messages, deleted elsewhere while it was away) was never told they were gone.
     * Reported now up to the folder's UIDNEXT - 1 ({@code *} too, as Dovecot reads it; a UID never
     * given is not reported), in one VANISHED (EARLIER) before any FETCH.
     */
    @Test
    void uidFetchVanishedReportsExpungedUidsAboveTheSessionsLast() throws Exception {
        String user = imap.newUser("fetchtop");
        for (int i = 1; i <= 5; i++) {
            DeliveryHelper.deliver(imap, user, "X", MailClient.simple("message " + i, "x"));
        }
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            c.command("ENABLE QRESYNC");
            c.command("SELECT X");
            c.command("UID STORE 2,4:5 +FLAGS.SILENT (\\Deleted)");
            c.command("EXPUNGE");
            c.command("UNSELECT");
            assertTrue(c.command("SELECT X").contains("* 2 EXISTS"), "the session holds UIDs 1 and 3");
            for (String set : List.of("1:5", "1:*", "1:4294967295", "2:3,4:9")) {
                List<String> answer = c.command("UID FETCH " + set + " (FLAGS) (CHANGEDSINCE 1 VANISHED)");
                assertTrue(RawImap.last(answer).contains("OK"), answer.toString());
                assertEquals("* VANISHED (EARLIER) 2,4:5", answer.get(0), set + ": " + answer);
                assertEquals(1, answer.stream().filter(l -> l.startsWith("* VANISHED")).count(), answer.toString());
            }
            List<String> above = c.command("UID FETCH 4:9 (FLAGS) (CHANGEDSINCE 1 VANISHED)");
            assertEquals(List.of("* VANISHED (EARLIER) 4:5"), above.subList(0, above.size() - 1), above.toString());
            List<String> newest = c.command("UID FETCH 5 (FLAGS) (CHANGEDSINCE 1 VANISHED)");
            assertEquals("* VANISHED (EARLIER) 5", newest.get(0), newest.toString());

            DeliveryHelper.deliver(imap, user, "X", MailClient.simple("message 6", "x"));
            List<String> arrived = c.command("UID FETCH 1:9 (FLAGS) (CHANGEDSINCE 1 VANISHED)");
            assertEquals(List.of("* VANISHED (EARLIER) 2,4:5"),
                    arrived.stream().filter(l -> l.startsWith("* VANISHED")).toList(), "UID 6 exists: " + arrived);
            assertTrue(arrived.indexOf("* VANISHED (EARLIER) 2,4:5") < arrived.stream().filter(l -> l.contains(" FETCH ("))
                    .map(arrived::indexOf).findFirst().orElseThrow(), "before any FETCH: " + arrived);
            List<String> plain = c.command("UID FETCH 4:9 (FLAGS) (CHANGEDSINCE 1)");
            assertTrue(plain.stream().noneMatch(l -> l.startsWith("* VANISHED")), "not asked: " + plain);
        }
    }

    private static long number(Pattern pattern, List<String> lines) {
        for (String line : lines) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError(pattern + " not in " + lines);
    }
}
