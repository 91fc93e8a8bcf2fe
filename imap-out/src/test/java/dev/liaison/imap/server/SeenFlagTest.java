package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Store;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * \Seen and read-only selections (RFC 3501 §6.3.2 EXAMINE, §6.4.5 FETCH, §6.4.2 CLOSE): fetching
 * a body sets \Seen only in a mailbox opened with SELECT, and says so in the same FETCH
 * response; BODY.PEEK never sets it; nothing changes a mailbox opened with EXAMINE. Each test
 * uses users of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeenFlagTest {

    private static final List<String> SEEN_SETTING_ITEMS = List.of("BODY[]", "BODY[HEADER]", "BODY[TEXT]", "RFC822",
            "RFC822.TEXT", "BODY[1]", "BODY[]<0.10>");
    private static final Pattern SEEN_IN_FLAGS = Pattern.compile("FLAGS \\([^)]*\\\\Seen");
    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    /** A new user with one unseen message in INBOX. */
    private String userWithOneMessage() {
        String user = imap.newUser("reader");
        DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("to read", "the text"));
        return user;
    }

    /** The flags of message 1 as a fresh session sees them. */
    private String flagsSeenByAnotherSession(String user) throws Exception {
        try (RawImap other = RawImap.tls(imap.imapsPort())) {
            other.login(user);
            other.command("EXAMINE INBOX");
            List<String> answer = other.command("FETCH 1 (FLAGS)");
            assertTrue(RawImap.last(answer).contains("OK"), answer.toString());
            return answer.get(0);
        }
    }

    @Test
    void fetchingABodyInAnExaminedMailboxLeavesItUnseen() throws Exception {
        for (String item : SEEN_SETTING_ITEMS) {
            String user = userWithOneMessage();
            try (RawImap c = RawImap.tls(imap.imapsPort())) {
                c.login(user);
                assertTrue(RawImap.last(c.command("EXAMINE INBOX")).contains("[READ-ONLY]"));
                List<String> answer = c.command("FETCH 1 (" + item + ")");
                assertTrue(RawImap.last(answer).contains("OK"), item + ": " + answer);
                assertTrue(answer.get(0).startsWith("* 1 FETCH ("), item + ": " + answer);
                assertFalse(answer.get(0).contains("\\Seen"), item + " under EXAMINE announced \\Seen: " + answer);
                assertFalse(c.command("FETCH 1 (FLAGS)").get(0).contains("\\Seen"), item);
            }
            assertFalse(flagsSeenByAnotherSession(user).contains("\\Seen"), item + " under EXAMINE stored \\Seen");
        }
    }

    @Test
    void fetchingABodyInASelectedMailboxSetsSeenAndSaysSoInTheSameResponse() throws Exception {
        for (String item : SEEN_SETTING_ITEMS) {
            String user = userWithOneMessage();
            try (RawImap c = RawImap.tls(imap.imapsPort())) {
                c.login(user);
                assertTrue(RawImap.last(c.command("SELECT INBOX")).contains("[READ-WRITE]"));
                List<String> answer = c.command("FETCH 1 (" + item + ")");
                assertEquals(2, answer.size(), item + ": one FETCH response, then the tagged OK: " + answer);
                assertTrue(answer.get(0).startsWith("* 1 FETCH ("), item + ": " + answer);
                assertTrue(SEEN_IN_FLAGS.matcher(answer.get(0)).find(), item + ": no FLAGS (\\Seen) in " + answer);
            }
            assertTrue(flagsSeenByAnotherSession(user).contains("\\Seen"), item + " under SELECT did not store \\Seen");
        }
    }

    @Test
    void peekingNeverSetsSeen() throws Exception {
        String user = userWithOneMessage();
        for (String select : List.of("SELECT", "EXAMINE")) {
            try (RawImap c = RawImap.tls(imap.imapsPort())) {
                c.login(user);
                c.command(select + " INBOX");
                List<String> answer = c.command(
                        "FETCH 1 (BODY.PEEK[] BODY.PEEK[HEADER] BODY.PEEK[TEXT] BODY.PEEK[1] RFC822.HEADER RFC822.SIZE)");
                assertTrue(RawImap.last(answer).contains("OK"), answer.toString());
                assertFalse(answer.get(0).contains("\\Seen"), answer.toString());
                List<String> uid = c.command("UID FETCH 1:* (BODY.PEEK[])");
                assertTrue(RawImap.last(uid).contains("OK"), uid.toString());
            }
        }
        assertFalse(flagsSeenByAnotherSession(user).contains("\\Seen"));
    }

    @Test
    void anExaminedMailboxAnnouncesNoPermanentFlags() throws Exception {
        String user = userWithOneMessage();
        try (RawImap c = RawImap.tls(imap.imapsPort()); RawImap writer = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            writer.login(user);
            List<String> select = c.command("SELECT INBOX");
            assertTrue(select.stream().anyMatch(l -> l.startsWith("* OK [PERMANENTFLAGS (") && l.contains("\\*)]")),
                    select.toString());
            List<String> examine = c.command("EXAMINE INBOX");
            assertTrue(examine.contains("* OK [PERMANENTFLAGS ()] Read-only mailbox"), examine.toString());
            writer.command("SELECT INBOX");
            assertTrue(RawImap.last(writer.command("STORE 1 +FLAGS ($NewKeyword)")).contains("OK"));
            List<String> noop = List.of();
            for (int i = 0; i < 50 && noop.stream().noneMatch(l -> l.startsWith("* FLAGS")); i++) {
                Thread.sleep(100); // the other session's change reaches this one as an event
                noop = c.command("NOOP");
            }
            assertTrue(noop.stream().anyMatch(l -> l.startsWith("* FLAGS") && l.contains("$NewKeyword")), noop.toString());
            assertTrue(noop.contains("* OK [PERMANENTFLAGS ()] Read-only mailbox"), noop.toString());
            List<String> again = c.command("SELECT INBOX");
            assertTrue(again.stream().anyMatch(l -> l.startsWith("* OK [PERMANENTFLAGS (") && l.contains("$NewKeyword \\*)]")),
                    again.toString());
        }
    }

    @Test
    void anExaminedMailboxRefusesStoreExpungeAndMoveAndChangesNothing() throws Exception {
        String user = userWithOneMessage();
        try (RawImap writer = RawImap.tls(imap.imapsPort())) {
            writer.login(user);
            writer.command("SELECT INBOX");
            assertTrue(RawImap.last(writer.command("STORE 1 +FLAGS (\\Deleted)")).contains("OK"));
        }
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            c.command("EXAMINE INBOX");
            for (String change : List.of("STORE 1 +FLAGS (\\Seen \\Flagged)", "UID STORE 1 -FLAGS (\\Deleted)",
                    "STORE 1 FLAGS.SILENT (\\Answered)", "EXPUNGE", "UID EXPUNGE 1", "MOVE 1 Trash", "UID MOVE 1 Trash")) {
                String tagged = RawImap.last(c.command(change));
                assertTrue(tagged.matches("a\\d+ NO .*"), change + " under EXAMINE: " + tagged);
            }
            assertTrue(RawImap.last(c.command("COPY 1 Archive")).contains("OK"), "COPY only reads the examined mailbox");
            assertTrue(RawImap.last(c.command("CLOSE")).contains("OK"));
            assertTrue(RawImap.last(c.command("FETCH 1 (FLAGS)")).contains("NO"), "CLOSE deselects");
        }
        String flags = flagsSeenByAnotherSession(user);
        assertTrue(flags.contains("\\Deleted"), "CLOSE under EXAMINE must not expunge: " + flags);
        assertFalse(flags.contains("\\Seen") || flags.contains("\\Flagged") || flags.contains("\\Answered"), flags);
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            assertTrue(c.command("STATUS Trash (MESSAGES)").get(0).contains("MESSAGES 0"));
            assertTrue(c.command("STATUS Archive (MESSAGES)").get(0).contains("MESSAGES 1"));
        }
    }

    @Test
    void selectingAgainAfterExamineMakesTheMailboxWritable() throws Exception {
        String user = userWithOneMessage();
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            c.command("EXAMINE INBOX");
            assertTrue(RawImap.last(c.command("STORE 1 +FLAGS (\\Flagged)")).contains("NO"));
            assertTrue(RawImap.last(c.command("EXAMINE Nonexistent")).contains("NO"));
            assertTrue(RawImap.last(c.command("SELECT INBOX")).contains("[READ-WRITE]"));
            List<String> store = c.command("STORE 1 +FLAGS (\\Flagged)");
            assertTrue(RawImap.last(store).contains("OK"), store.toString());
            assertTrue(store.get(0).contains("\\Flagged"), store.toString());
        }
        assertTrue(flagsSeenByAnotherSession(user).contains("\\Flagged"));
    }

    @Test
    void jakartaMailReadingAReadOnlyFolderLeavesMessagesUnseen() throws Exception {
        String user = userWithOneMessage();
        try (Store store = MailClient.connect(imap.imapsPort(), user)) {
            Folder inbox = MailClient.open(store, "INBOX", Folder.READ_ONLY);
            Message m = inbox.getMessage(1);
            byte[] whole = MailClient.bytes(m);
            assertArrayEquals(MailClient.simple("to read", "the text").getBytes(StandardCharsets.UTF_8), whole);
            assertEquals("the text\r\n", m.getContent());
            inbox.close(false);
            Folder again = MailClient.open(store, "INBOX", Folder.READ_WRITE);
            assertFalse(again.getMessage(1).isSet(Flags.Flag.SEEN), "reading a READ_ONLY folder set \\Seen");
            assertEquals(1, again.getUnreadMessageCount());
            assertEquals("the text\r\n", again.getMessage(1).getContent());
            again.close(false);
        }
        assertTrue(flagsSeenByAnotherSession(user).contains("\\Seen"), "reading a READ_WRITE folder sets \\Seen");
    }
}
