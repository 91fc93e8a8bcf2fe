package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Store;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BODYSTRUCTURE (RFC 3501 §7.4.2) of single-part text messages, delivered or appended (the
 * body-fld-lines James keeps beside the MIME properties must survive the store), and of
 * messages attached inside attached messages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BodyStructureTest {

    private static final String NESTED = "From: a@example.net\r\nSubject: twice attached\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"o\"\r\n\r\n"
            + "--o\r\nContent-Type: text/plain\r\n\r\nsee below\r\n"
            + "--o\r\nContent-Type: message/rfc822\r\n\r\n"
            + "From: Mid <b@example.net>\r\nSubject: mid\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n"
            + "From: c@example.net\r\nSubject: deep\r\n\r\ndeep body\r\nsecond line\r\n"
            + "--o--\r\n";
    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
        imap.users.put("structured", TestImap.PASSWORD);
        DeliveryHelper.deliver(imap, "structured", "INBOX", MailClient.simple("delivered", "one\r\ntwo\r\nthree"));
        DeliveryHelper.deliver(imap, "structured", "INBOX", NESTED);
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("structured");
            String appended = MailClient.simple("appended", "alpha\r\nbeta");
            assertTrue(RawImap.last(c.command("APPEND INBOX {" + appended.length() + "+}\r\n" + appended)).contains("OK"));
        }
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    private List<String> fetch(String command) throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("structured");
            c.command("EXAMINE INBOX");
            List<String> answer = c.command(command);
            assertTrue(RawImap.last(answer).contains("OK"), answer.toString());
            return answer;
        }
    }

    @Test
    void singlePartTextMessagesReportTheirBodyLines() throws Exception {
        List<String> answer = fetch("FETCH 1,3 (BODYSTRUCTURE BODY)");
        assertTrue(answer.get(0).contains("(\"TEXT\" \"PLAIN\" (\"charset\" \"utf-8\") NIL NIL \"7BIT\" 17 3 NIL NIL NIL NIL)"),
                "delivered: " + answer.get(0));
        assertTrue(answer.get(0).contains("BODY (\"TEXT\" \"PLAIN\" (\"charset\" \"utf-8\") NIL NIL \"7BIT\" 17 3)"),
                answer.get(0));
        assertTrue(answer.get(1).contains("(\"TEXT\" \"PLAIN\" (\"charset\" \"utf-8\") NIL NIL \"7BIT\" 13 2 NIL NIL NIL NIL)"),
                "appended: " + answer.get(1));
    }

    /** RFC 9051 §6.4.5: every item asked; James left BODY out whenever a section was asked with it. */
    @Test
    void bodyIsAnsweredNextToASection() throws Exception {
        for (int message : List.of(1, 2)) {
            String alone = fetch("FETCH " + message + " (BODY)").get(0);
            String body = alone.substring(alone.indexOf(" BODY (") + 1, alone.length() - 1);
            for (String items : List.of("BODY.PEEK[1] BODY", "BODY BODY.PEEK[1]", "BODY[1] BODY", "BODY.PEEK[HEADER] BODY UID")) {
                String answer = String.join("\n", fetch("FETCH " + message + " (" + items + ")"));
                assertTrue(answer.contains(body), items + ": " + answer);
                assertTrue(answer.contains(items.contains("HEADER") ? "BODY[HEADER]" : "BODY[1]"), items + ": " + answer);
                assertFalse(answer.contains("BODYSTRUCTURE"), "not asked: " + answer);
            }
            String both = String.join("\n", fetch("FETCH " + message + " (BODYSTRUCTURE BODY.PEEK[1] BODY)"));
            String structure = fetch("FETCH " + message + " (BODYSTRUCTURE)").get(0);
            assertTrue(both.contains(body) && both.contains(structure.substring(structure.indexOf("BODYSTRUCTURE ("),
                    structure.length() - 1)), both);
        }
    }

    @Test
    void jakartaMailReadsTheTextOfSinglePartMessages() throws Exception {
        try (Store store = MailClient.connect(imap.imapsPort(), "structured")) {
            Folder inbox = MailClient.open(store, "INBOX", Folder.READ_ONLY);
            assertEquals("one\r\ntwo\r\nthree\r\n", inbox.getMessage(1).getContent());
            assertEquals("alpha\r\nbeta\r\n", inbox.getMessage(3).getContent());
        }
    }

    @Test
    void anAttachedMessageInsideAnAttachedMessageIsDescribedWithEnvelopesAndLines() throws Exception {
        String structure = fetch("FETCH 2 (BODYSTRUCTURE)").get(0);
        String deep = "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 60 (NIL \"deep\" ((NIL NIL \"c\" \"example.net\"))"
                + " ((NIL NIL \"c\" \"example.net\")) ((NIL NIL \"c\" \"example.net\")) NIL NIL NIL NIL NIL)"
                + " (\"TEXT\" \"PLAIN\" (\"charset\" \"us-ascii\") NIL NIL \"7BIT\" 22 1 NIL NIL NIL NIL) 4 NIL NIL NIL NIL)";
        String mid = "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 152 (NIL \"mid\" ((\"Mid\" NIL \"b\" \"example.net\"))"
                + " ((\"Mid\" NIL \"b\" \"example.net\")) ((\"Mid\" NIL \"b\" \"example.net\")) NIL NIL NIL NIL NIL) "
                + deep + " 9 NIL NIL NIL NIL)";
        assertTrue(structure.contains(mid), structure);
        assertTrue(structure.endsWith(" \"MIXED\" (\"boundary\" \"o\") NIL NIL NIL))"), structure);
        try (Store store = MailClient.connect(imap.imapsPort(), "structured")) {
            Message m = MailClient.open(store, "INBOX", Folder.READ_ONLY).getMessage(2);
            Multipart parts = (Multipart) m.getContent();
            assertEquals(2, parts.getCount());
            assertTrue(parts.getBodyPart(1).isMimeType("message/rfc822"));
        }
    }
}
