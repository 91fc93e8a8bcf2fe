package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

    /**
     * RFC 3501 §6.3.5, with Python's imaplib as the client: RENAME INBOX makes a new folder of
     * INBOX's messages (UIDs from 1, a greater UIDVALIDITY than INBOX's) and leaves INBOX empty,
     * with its UIDVALIDITY and UIDNEXT, and the folders below it where they are. A session with
     * INBOX selected hears the messages leave and then sees mail delivered to INBOX. James renamed
     * the INBOX folder with its children (INBOX.kept became Old.kept) and made another INBOX, which
     * that session never saw.
     */
    @Test
    void renamingInboxMovesItsMessagesToANewFolderAndLeavesInboxEmpty(@TempDir Path dir) throws Exception {
        String user = imap.newUser("reninbox");
        for (String subject : List.of("first", "second", "third")) {
            DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple(subject, "x"));
        }
        try (RawImap watcher = RawImap.tls(imap.imapsPort())) {
            watcher.login(user);
            assertTrue(RawImap.last(watcher.command("CREATE INBOX.kept")).contains("OK"));
            assertTrue(watcher.command("SELECT INBOX").contains("* 3 EXISTS"));
            String script = """
                    import imaplib, re, ssl, sys
                    i = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ssl.create_default_context(cafile=sys.argv[2]))
                    i.login(sys.argv[3], sys.argv[4])
                    before = i.status('INBOX', '(UIDVALIDITY UIDNEXT)')[1][0].decode()
                    print('RENAME', i.rename('INBOX', 'Old')[0])
                    print('INBOX', i.status('INBOX', '(MESSAGES UIDVALIDITY UIDNEXT)')[1][0].decode() == before.replace('(', '(MESSAGES 0 '))
                    print('OLD', i.status('Old', '(MESSAGES UIDNEXT)')[1][0].decode())
                    uidvalidity = lambda status: int(re.search(r'UIDVALIDITY (\\d+)', status).group(1))
                    inbox_uv = uidvalidity(before)
                    old_uv = uidvalidity(i.status('Old', '(UIDVALIDITY)')[1][0].decode())
                    print('GREATER', old_uv > inbox_uv)
                    i.select('Old', readonly=True)
                    typ, data = i.uid('FETCH', '1:*', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
                    print('SUBJECTS', [part[1].decode().strip() for part in data if isinstance(part, tuple)])
                    print('LIST', sorted(line.decode().split(' "." ')[1].strip('"') for line in i.list()[1]))
                    print('AGAIN', i.rename('INBOX', 'Old')[1][0].decode())
                    i.logout()
                    """;
            Path py = dir.resolve("rename_inbox.py");
            Files.writeString(py, script);
            Process p = new ProcessBuilder("python3", py.toString(), String.valueOf(imap.imapsPort()),
                    TestTls.get().pem(dir).toString(), user, TestImap.PASSWORD).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
            assertEquals(List.of("RENAME OK", "INBOX True", "OLD \"Old\" (MESSAGES 3 UIDNEXT 4)", "GREATER True",
                    "SUBJECTS ['Subject: first', 'Subject: second', 'Subject: third']",
                    "LIST ['Archive', 'Drafts', 'INBOX', 'INBOX.kept', 'Junk', 'Old', 'Sent', 'Trash']",
                    "AGAIN [ALREADYEXISTS] RENAME failed. Mailbox already exists."), out.lines().toList(), out);

            List<String> told = watcher.command("NOOP");
            assertEquals(3, told.stream().filter(l -> l.equals("* 1 EXPUNGE")).count(), told.toString());
            DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("after", "x"));
            assertTrue(watcher.command("NOOP").contains("* 1 EXISTS"), "the session's INBOX is INBOX");
            assertEquals("* STATUS \"Old\" (MESSAGES 3)", watcher.command("STATUS Old (MESSAGES)").get(0));
        }
    }

    /** Its folders below INBOX stay, so INBOX.old is no folder within the renamed one (James moved INBOX into itself). */
    @Test
    void inboxCanBeRenamedBelowItself() throws Exception {
        String user = imap.newUser("reninbox");
        DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("kept below", "x"));
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            assertTrue(RawImap.last(c.command("RENAME INBOX INBOX.old")).matches("a\\d+ OK .*"));
            assertEquals("* STATUS \"INBOX.old\" (MESSAGES 1)", c.command("STATUS INBOX.old (MESSAGES)").get(0));
            assertEquals("* STATUS \"INBOX\" (MESSAGES 0)", c.command("STATUS INBOX (MESSAGES)").get(0));
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
