package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** INBOX stays: RFC 9051 §6.3.5 (RFC 3501 §6.3.4) makes deleting it an error, in any letter case. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InboxTest {

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
    void deletingInboxInAnyLetterCaseIsRefusedAndChangesNothing() throws Exception {
        DeliveryHelper.deliver(imap, "alice", "INBOX", MailClient.simple("keep me", "x"));
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("alice");
            c.command("SELECT INBOX");
            for (String name : List.of("INBOX", "inbox", "InBoX", "\"INBOX\"", "#private.INBOX", "\"#private.inbox\"")) {
                String answer = RawImap.last(c.command("DELETE " + name));
                assertTrue(answer.matches("a\\d+ NO .*INBOX cannot be deleted.*"), name + ": " + answer);
            }
            assertTrue(RawImap.last(c.command("FETCH 1 (UID)")).contains("OK"), "INBOX is still selected");
            assertEquals("* STATUS \"INBOX\" (MESSAGES 1)", c.command("STATUS INBOX (MESSAGES)").get(0));
            String list = c.command("LIST \"\" INBOX").get(0);
            assertTrue(list.startsWith("* LIST ") && list.endsWith("INBOX\""), list);
        }
    }

    @Test
    void statusOfAFolderThatDoesNotExistSaysSoAndLogsNoError() throws Exception {
        ch.qos.logback.classic.Logger james = (ch.qos.logback.classic.Logger)
                org.slf4j.LoggerFactory.getLogger(org.apache.james.imap.processor.StatusProcessor.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        james.addAppender(logged);
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("alice");
            for (String name : List.of("Requests", "\"No Such/Folder\"", "#private.Nowhere")) {
                String answer = RawImap.last(c.command("STATUS " + name + " (MESSAGES UIDNEXT)"));
                assertTrue(answer.matches("a\\d+ NO .*No such folder.*"), name + ": " + answer);
            }
            assertTrue(c.command("STATUS INBOX (MESSAGES)").get(0).startsWith("* STATUS \"INBOX\" (MESSAGES "));
            for (String foreign : List.of("#user.bob.INBOX", "#user.bob.Nowhere")) {
                String answer = RawImap.last(c.command("STATUS " + foreign + " (MESSAGES)"));
                assertTrue(answer.matches("a\\d+ NO STATUS failed.*"), "one answer whether bob has it or not: " + answer);
            }
        } finally {
            james.detachAppender(logged);
        }
        assertEquals(List.of(), logged.list.stream().map(Object::toString).toList(), "a client's question is no server error");
    }

    @Test
    void renamingAFolderOntoInboxIsRefusedAndChangesNothing() throws Exception {
        DeliveryHelper.deliver(imap, "bob", "INBOX", MailClient.simple("bob's", "x"));
        DeliveryHelper.deliver(imap, "bob", "Archive", MailClient.simple("archived", "x"));
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("bob");
            for (String name : List.of("INBOX", "inbox", "InBoX")) {
                String answer = RawImap.last(c.command("RENAME Archive " + name));
                assertTrue(answer.matches("a\\d+ NO .*"), name + ": " + answer);
            }
            assertEquals("* STATUS \"INBOX\" (MESSAGES 1)", c.command("STATUS INBOX (MESSAGES)").get(0));
            assertEquals("* STATUS \"Archive\" (MESSAGES 1)", c.command("STATUS Archive (MESSAGES)").get(0));
            assertTrue(RawImap.last(c.command("DELETE INBOX.sub")).contains("NO"), "no such folder");
            assertTrue(RawImap.last(c.command("CREATE INBOX.sub")).contains("OK"));
            assertTrue(RawImap.last(c.command("DELETE INBOX.sub")).contains("OK"), "a folder below INBOX can go");
        }
    }
}
