package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Store;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * COPYUID (RFC 4315 §3) for COPY and MOVE: the source set names the UIDs of the messages taken,
 * in the order of the new UIDs; MOVE sends it in an untagged OK before its EXPUNGE responses
 * (RFC 6851 §4.3). Each test uses users of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CopyUidTest {

    private static final Pattern COPYUID = Pattern.compile("\\[COPYUID (\\d+) (\\S+) (\\S+)]");
    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    /** A user whose INBOX holds messages with UIDs 2..5 at sequence numbers 1..4 (UID 1 expunged). */
    private RawImap selectedWithShiftedNumbers() throws Exception {
        return imap.selectedAfterExpunging("mover", "INBOX", 5, "1");
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void moveSendsCopyUidOfTheMovedUidsBeforeItsExpunges() throws Exception {
        try (RawImap c = selectedWithShiftedNumbers()) {
            List<String> move = c.command("MOVE 2:3 Archive");
            int copyUid = indexOf(move, "[COPYUID ");
            assertTrue(copyUid >= 0, move.toString());
            assertTrue(move.get(copyUid).startsWith("* OK [COPYUID "), "COPYUID in an untagged OK: " + move);
            int expunge = indexOf(move, " EXPUNGE");
            assertTrue(expunge > copyUid, "COPYUID before the first EXPUNGE: " + move);
            assertEquals(List.of("* 2 EXPUNGE", "* 2 EXPUNGE"), move.subList(expunge, expunge + 2));
            Matcher m = COPYUID.matcher(move.get(copyUid));
            assertTrue(m.find());
            assertEquals("3:4", m.group(2), "sequence numbers 2:3 are UIDs 3:4: " + move);
            assertEquals("1:2", m.group(3));
            String tagged = RawImap.last(move);
            assertTrue(tagged.contains("OK") && !tagged.contains("COPYUID"), tagged);
            assertTrue(c.command("FETCH 1:* (UID)").toString().contains("UID 5"));
        }
    }

    @Test
    void uidMoveNamesOnlyTheUidsThatExisted() throws Exception {
        try (RawImap c = selectedWithShiftedNumbers()) {
            List<String> move = c.command("UID MOVE 1:3,5:100 Trash");
            Matcher m = COPYUID.matcher(move.get(0));
            assertTrue(move.get(0).startsWith("* OK [COPYUID ") && m.find(), move.toString());
            assertEquals("2:3,5", m.group(2), move.toString());
            assertEquals("1:3", m.group(3), move.toString());
            assertEquals(3, move.stream().filter(line -> line.endsWith(" EXPUNGE")).count(), move.toString());
            assertTrue(c.command("STATUS Trash (MESSAGES)").get(0).contains("MESSAGES 3"));
        }
    }

    /** RFC 4315 §4: a uid-set has no "*"; with nothing copied there is no COPYUID to give (as Dovecot). */
    @Test
    void uidCopyAndMoveOfUidsThatDoNotExistAnswerOkWithoutCopyUid() throws Exception {
        try (RawImap c = selectedWithShiftedNumbers()) {
            for (String command : List.of("UID COPY 1 Archive", "UID MOVE 1 Archive", "UID COPY 7:9 Archive",
                    "UID MOVE 7:9 Archive")) {
                List<String> answer = c.command(command);
                assertEquals(1, answer.size(), command + ": " + answer);
                assertTrue(answer.get(0).matches("a\\d+ OK (?!.*COPYUID).*"), command + ": " + answer);
            }
            assertTrue(c.command("STATUS Archive (MESSAGES)").get(0).contains("MESSAGES 0"));
        }
    }

    @Test
    void copyNamesTheSourceUidsNotTheSequenceNumbers() throws Exception {
        try (RawImap c = selectedWithShiftedNumbers()) {
            String tagged = RawImap.last(c.command("COPY 1,4 Archive"));
            Matcher m = COPYUID.matcher(tagged);
            assertTrue(tagged.contains("OK") && m.find(), tagged);
            assertEquals("2,5", m.group(2), tagged);
            assertEquals("1:2", m.group(3), tagged);
        }
    }

    @Test
    void jakartaMailLearnsWhereMovedMessagesWent() throws Exception {
        String user = imap.newUser("mover");
        for (int i = 1; i <= 3; i++) {
            DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("jakarta " + i, "x"));
        }
        try (Store store = MailClient.connect(imap.imapsPort(), user)) {
            IMAPFolder inbox = (IMAPFolder) MailClient.open(store, "INBOX", Folder.READ_WRITE);
            Message[] moving = {inbox.getMessage(2), inbox.getMessage(3)};
            AppendUID[] placed = inbox.moveUIDMessages(moving, store.getFolder("Archive"));
            assertEquals(2, placed.length);
            assertEquals(1, placed[0].uid);
            assertEquals(2, placed[1].uid);
            IMAPFolder archive = (IMAPFolder) MailClient.open(store, "Archive", Folder.READ_ONLY);
            assertEquals(2, archive.getMessageCount());
            assertEquals(archive.getUIDValidity(), placed[0].uidvalidity);
            assertEquals("jakarta 2", archive.getMessageByUID(1).getSubject());
            assertFalse(archive.getMessageByUID(2).getSubject().isEmpty());
        }
    }
}
