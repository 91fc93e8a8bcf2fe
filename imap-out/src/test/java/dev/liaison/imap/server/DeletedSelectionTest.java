package dev.liaison.imap.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A folder another session deletes while this one has it selected (RFC 2180 §4.1.2): the
 * selecting session hears {@code * BYE} at its next command and the connection ends, as Dovecot
 * does, instead of answering NO (with an ERROR line) to every command until the client selects
 * again; an idling one hears it when the deletion arrives, also from another server on the same
 * database. The deleting session itself deselects and goes on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeletedSelectionTest {

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
    void aSessionWhoseSelectedFolderIsDeletedElsewhereHearsByeAtItsNextCommand() throws Exception {
        for (String command : List.of("NOOP", "FETCH 1 (FLAGS)", "UID STORE 1 +FLAGS (\\Seen)", "SEARCH ALL",
                "EXPUNGE", "UID MOVE 1 INBOX", "CHECK", "STATUS INBOX (MESSAGES)")) {
            String user = imap.newUser("deleted");
            DeliveryHelper.deliver(imap, user, "Projects", MailClient.simple("in a folder about to go", "x"));
            List<String> answer = new ArrayList<>();
            List<ILoggingEvent> errors = ResponseCodeTest.errorsDuring(() -> {
                try (RawImap watcher = RawImap.tls(imap.imapsPort()); RawImap other = RawImap.tls(imap.imapsPort())) {
                    watcher.login(user);
                    assertTrue(RawImap.last(watcher.command("SELECT Projects")).contains("OK"));
                    other.login(user);
                    assertTrue(RawImap.last(other.command("DELETE Projects")).contains("OK"));
                    answer.addAll(watcher.command(command));
                    assertTrue(RawImap.last(other.command("NOOP")).contains("OK"), "the deleting session goes on");
                }
            });
            assertTrue(answer.get(0).startsWith("* BYE ") && answer.get(0).contains("deleted"), command + ": " + answer);
            assertEquals(List.of("<closed>"), answer.subList(1, answer.size()),
                    command + ": the command is not run and the connection ends: " + answer);
            assertEquals(List.of(), errors, command + ": another session's DELETE is no server error");
        }
    }

    @Test
    void anIdlingSessionHearsByeWhenItsFolderIsDeleted() throws Exception {
        String user = imap.newUser("idler");
        DeliveryHelper.deliver(imap, user, "Projects", MailClient.simple("watched", "x"));
        try (RawImap watcher = RawImap.tls(imap.imapsPort()); RawImap other = RawImap.tls(imap.imapsPort())) {
            idling(watcher, user);
            other.login(user);
            assertTrue(RawImap.last(other.command("DELETE Projects")).contains("OK"));
            assertEquals(List.of("* BYE The selected folder was deleted by another session; connect again", "<closed>"),
                    watcher.until("never"));
        }
    }

    @Test
    void aDeletionOnAnotherServerEndsTheSessionsThatHaveTheFolderSelectedHere() throws Exception {
        String user = imap.newUser("elsewhere");
        DeliveryHelper.deliver(imap, user, "Projects", MailClient.simple("watched from afar", "x"));
        try (TestImap second = TestImap.sharing(imap.database);
             RawImap watcher = RawImap.tls(imap.imapsPort()); RawImap other = RawImap.tls(second.imapsPort())) {
            second.users.putAll(imap.users);
            idling(watcher, user);
            other.login(user);
            assertTrue(RawImap.last(other.command("DELETE Projects")).contains("OK"));
            assertEquals(List.of("* BYE The selected folder was deleted by another session; connect again", "<closed>"),
                    watcher.until("never"), "the other server's deletion reaches this one's idling session");
        }
    }

    private static void idling(RawImap c, String user) throws java.io.IOException {
        c.login(user);
        assertTrue(RawImap.last(c.command("SELECT Projects")).contains("OK"));
        c.send("i1 IDLE\r\n");
        assertTrue(c.line().startsWith("+ "), "IDLE is under way");
    }

    @Test
    void theDeletingSessionItselfIsDeselectedAndGoesOn() throws Exception {
        String user = imap.newUser("deleter");
        DeliveryHelper.deliver(imap, user, "Old", MailClient.simple("old", "x"));
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            assertTrue(RawImap.last(c.command("SELECT Old")).contains("OK"));
            assertTrue(RawImap.last(c.command("DELETE Old")).contains("OK"));
            assertTrue(RawImap.last(c.command("NOOP")).contains("OK"));
            assertTrue(RawImap.last(c.command("FETCH 1 (FLAGS)")).matches("a\\d+ (NO|BAD) .*"), "nothing is selected");
            assertTrue(RawImap.last(c.command("SELECT INBOX")).contains("OK"));
        }
    }
}
