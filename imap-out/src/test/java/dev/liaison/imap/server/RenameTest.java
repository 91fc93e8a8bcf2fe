package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RENAME of folders with children, over a real IMAP connection. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RenameTest {

    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    /** As Dovecot and Cyrus: NO [CANNOT] (RFC 5530), nothing renamed; James renamed it twice (M1.child.child). */
    @Test
    void aFolderCannotBeRenamedIntoItsOwnSubtree() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(imap.newUser("rena"));
            c.command("CREATE M1");
            c.command("CREATE M2.x");
            append(c, "M1", "Subject: kept\r\n\r\nbody\r\n");
            for (String rename : List.of("M1 M1.child", "Sent Sent.2025", "M2 M2.x.y", "M2 M2.z", "m1 M1.child")) {
                String answer = RawImap.last(c.command("RENAME " + rename));
                if (rename.equals("m1 M1.child")) {
                    assertTrue(answer.matches("a\\d+ NO .*"), "names are case-sensitive, m1 does not exist: " + answer);
                    continue;
                }
                assertTrue(answer.matches("a\\d+ NO \\[CANNOT] .*"), rename + ": " + answer);
            }
            assertEquals(List.of("Archive", "Drafts", "INBOX", "Junk", "M1", "M2", "M2.x", "Sent", "Trash"), names(c));
            assertEquals("* STATUS \"M1\" (MESSAGES 1)", c.command("STATUS M1 (MESSAGES)").get(0));
        }
    }

    @Test
    void aFolderMovesWithItsChildrenOnce() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(imap.newUser("renb"));
            for (String name : List.of("P", "P.C", "P.C.D", "PX")) {
                c.command("CREATE " + name);
            }
            append(c, "P.C.D", "Subject: deep\r\n\r\nbody\r\n");
            assertTrue(RawImap.last(c.command("RENAME P Q.R")).matches("a\\d+ OK .*"));
            assertEquals(List.of("Archive", "Drafts", "INBOX", "Junk", "PX", "Q.R", "Q.R.C", "Q.R.C.D", "Sent", "Trash"), names(c));
            assertEquals("* STATUS \"Q.R.C.D\" (MESSAGES 1)", c.command("STATUS Q.R.C.D (MESSAGES)").get(0));
        }
    }

    /** As James's manager does when asked and Cyrus does: LSUB kept P… (gone), and Q… was unsubscribed. */
    @Test
    void subscriptionsMoveWithTheRenamedFolders() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(imap.newUser("renc"));
            for (String name : List.of("P", "P.C", "P.C.D", "PX", "Junk.old")) {
                c.command("CREATE " + name);
                c.command("SUBSCRIBE " + name);
            }
            c.command("UNSUBSCRIBE P.C");
            assertTrue(RawImap.last(c.command("RENAME P Q")).matches("a\\d+ OK .*"));
            assertTrue(RawImap.last(c.command("RENAME Junk Spam")).matches("a\\d+ OK .*"), "a default folder's");
            assertTrue(RawImap.last(c.command("RENAME INBOX Old")).matches("a\\d+ OK .*"));
            assertEquals(List.of("Archive", "Drafts", "INBOX", "Old", "PX", "Q", "Q.C.D", "Sent", "Spam", "Spam.old", "Trash"),
                    subscribed(c), "INBOX is there again, and stays subscribed");
        }
    }

    /** The names LSUB "" * answers, sorted. */
    static List<String> subscribed(RawImap c) throws Exception {
        return c.command("LSUB \"\" *").stream().filter(l -> l.startsWith("* LSUB "))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1).replace("\"", "")).sorted().toList();
    }

    static void append(RawImap c, String folder, String message) throws Exception {
        int octets = message.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(RawImap.last(c.command("APPEND " + folder + " {" + octets + "+}\r\n" + message)).contains("OK"));
    }

    /** The names LIST "" * answers, sorted. */
    static List<String> names(RawImap c) throws Exception {
        return c.command("LIST \"\" *").stream().filter(l -> l.startsWith("* LIST "))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1).replace("\"", "")).sorted().toList();
    }
}
