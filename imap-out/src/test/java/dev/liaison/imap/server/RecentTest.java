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

    private static String search(RawImap c, String command) throws Exception {
        List<String> answer = c.command(command);
        assertTrue(RawImap.last(answer).contains("OK"), command + ": " + answer);
        return answer.stream().filter(line -> line.startsWith("* SEARCH")).findFirst().orElse("");
    }
}
