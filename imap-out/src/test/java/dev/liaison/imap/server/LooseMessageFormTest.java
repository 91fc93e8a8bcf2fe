package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Messages in the forms clients and scripts append although RFC 5322 asks otherwise: lines ending
 * in a bare LF, and a header with no empty line and no body after it. Dovecot parses both as
 * messages; James found no header in either (its APPEND looks for CRLF CRLF only), so ENVELOPE
 * was NIL, HEADER.FIELDS empty and SEARCH SUBJECT found nothing. The stored octets stay the
 * appended ones (RFC 3501 §6.3.11).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LooseMessageFormTest {

    private static final String DATE = "Tue, 3 Jun 2025 11:05:30 +0200";
    /** Subject → the message, in APPEND order (message n is the n-th entry). */
    private static final Map<String, String> APPENDED = new java.util.LinkedHashMap<>();

    static {
        APPENDED.put("bare lf", "From: Carol <carol@example.net>\nTo: alice@example.org\nSubject: bare lf\n"
                + "Date: " + DATE + "\nMessage-ID: <lf@example.net>\n\nline one\nline two\n");
        APPENDED.put("header only", "From: Carol <carol@example.net>\r\nTo: alice@example.org\r\n"
                + "Subject: header only\r\nDate: " + DATE + "\r\n");
        APPENDED.put("lf headed", "From: Carol <carol@example.net>\nSubject: lf headed\nDate: " + DATE + "\n");
        APPENDED.put("no final eol", "From: Carol <carol@example.net>\r\nSubject: no final eol");
        APPENDED.put("lf mime", "From: Carol <carol@example.net>\nSubject: lf mime\nMIME-Version: 1.0\n"
                + "Content-Type: text/plain; charset=utf-8\n\nthree\nlines\nhere\n");
    }

    /** Message 6: an empty header, then a body (RFC 5322 §3.5 allows no header fields at all). */
    private static final String HEADERLESS = "\r\nno header at all\r\n\r\nSubject: not a header\r\n";

    private TestImap imap;
    private String user;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
        user = imap.newUser("loose");
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            List<String> messages = new java.util.ArrayList<>(APPENDED.values());
            messages.add(HEADERLESS);
            for (String message : messages) {
                byte[] octets = message.getBytes(StandardCharsets.UTF_8);
                String t = c.nextTag();
                c.send(t + " APPEND INBOX {" + octets.length + "+}\r\n");
                c.sendBytes(octets);
                c.send("\r\n");
                assertTrue(RawImap.last(c.until(t)).startsWith(t + " OK"), message);
            }
        }
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    private List<String> examined(String command) throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            c.command("EXAMINE INBOX");
            List<String> answer = c.command(command);
            assertTrue(RawImap.last(answer).contains("OK"), answer.toString());
            return answer;
        }
    }

    @Test
    void theEnvelopeCarriesSubjectAndSender() throws Exception {
        List<String> answer = examined("FETCH 1:* (ENVELOPE)");
        int n = 0;
        for (String subject : APPENDED.keySet()) {
            String line = answer.get(n++);
            assertTrue(line.contains("ENVELOPE (") && line.contains("\"" + subject + "\""), subject + ": " + line);
            assertTrue(line.contains("((\"Carol\" NIL \"carol\" \"example.net\"))"), subject + ": " + line);
        }
        assertTrue(answer.get(0).contains("ENVELOPE (\"" + DATE + "\" \"bare lf\""), answer.get(0));
        assertTrue(answer.get(0).endsWith(" \"<lf@example.net>\"))"), answer.get(0));
        assertEquals("* 6 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))", answer.get(5));
    }

    @Test
    void headerFieldsAreTheMessagesOwn() throws Exception {
        List<String> answer = examined("FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
        int n = 0;
        for (String subject : APPENDED.keySet()) {
            String line = answer.get(n++);
            assertTrue(line.contains("Subject: " + subject + "\r\n"), subject + ": " + line);
        }
        String header = examined("FETCH 2 (BODY.PEEK[HEADER])").get(0);
        assertTrue(header.contains("Subject: header only\r\nDate: " + DATE + "\r\n"), header);
    }

    @Test
    void searchBySubjectFindsThem() throws Exception {
        int n = 0;
        for (String subject : APPENDED.keySet()) {
            n++;
            assertEquals("* SEARCH " + n, examined("SEARCH SUBJECT \"" + subject + "\"").get(0), subject);
        }
        assertEquals("* SEARCH 1", examined("SEARCH BODY \"line two\"").get(0));
        assertEquals("* SEARCH 5", examined("SEARCH BODY lines").get(0));
        assertEquals("* SEARCH 1", examined("SEARCH HEADER Message-ID lf@example.net").get(0));
        assertEquals("* SEARCH", examined("SEARCH SUBJECT \"not a header\"").get(0));
        assertEquals("* SEARCH 6", examined("SEARCH BODY \"not a header\"").get(0));
    }

    /** A header-only message has an empty body: size 0, no lines (Dovecot says the same). */
    @Test
    void bodyStructureDescribesTheBodyAfterTheHeader() throws Exception {
        List<String> answer = examined("FETCH 1:* (BODYSTRUCTURE)");
        assertTrue(answer.get(0).contains("(\"TEXT\" \"PLAIN\" (\"charset\" \"us-ascii\") NIL NIL \"7BIT\" 18 2 "),
                answer.get(0));
        for (int header = 1; header <= 3; header++) {
            assertTrue(answer.get(header).contains("(\"TEXT\" \"PLAIN\" (\"charset\" \"us-ascii\") NIL NIL \"7BIT\" 0 0 "),
                    answer.get(header));
        }
        assertTrue(answer.get(4).contains("(\"TEXT\" \"PLAIN\" (\"charset\" \"utf-8\") NIL NIL \"7BIT\" 17 3 "),
                answer.get(4));
        assertTrue(answer.get(5).contains("(\"TEXT\" \"PLAIN\" (\"charset\" \"us-ascii\") NIL NIL \"7BIT\" 43 3 "),
                answer.get(5));
        String text = examined("FETCH 1 (BODY.PEEK[TEXT])").get(0);
        assertTrue(text.endsWith("BODY[TEXT] {18}\r\nline one\nline two\n)"), text);
        String headerless = examined("FETCH 6 (BODY.PEEK[TEXT])").get(0);
        assertTrue(headerless.endsWith("BODY[TEXT] {43}\r\n" + HEADERLESS.substring(2) + ")"), headerless);
    }

    @Test
    void theStoredOctetsAreTheAppendedOnes() throws Exception {
        List<String> answer = examined("FETCH 1:* (RFC822.SIZE BODY.PEEK[])");
        int n = 0;
        List<String> messages = new java.util.ArrayList<>(APPENDED.values());
        messages.add(HEADERLESS);
        for (String message : messages) {
            int size = message.getBytes(StandardCharsets.UTF_8).length;
            String line = answer.get(n++);
            assertTrue(line.contains("RFC822.SIZE " + size + " BODY[] {" + size + "}\r\n" + message + ")"), line);
        }
    }
}
