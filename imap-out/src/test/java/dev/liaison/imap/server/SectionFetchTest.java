package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FETCH of numbered sections (RFC 3501 §6.4.5, RFC 9051 §6.4.5) where a {@code message/rfc822}
 * entity is not inside a multipart: a message whose whole body is an attached message, and
 * attached messages nested in attached messages. Part numbers after a MESSAGE/RFC822 part number
 * the attached message's parts; a non-multipart message has one part, 1, its body.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SectionFetchTest {

    private static final String OUTER_HEADER = "From: a@example.net\r\nSubject: forwarded\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: message/rfc822\r\n\r\n";
    private static final String INNER_HEADER = "From: Bea <b@example.net>\r\nSubject: inner\r\n"
            + "Content-Type: text/plain\r\n\r\n";
    /** Message 1: the whole body is a message/rfc822 holding a text/plain message. */
    private static final String FORWARDED = OUTER_HEADER + INNER_HEADER + "inner body\r\n";

    private static final String CORE = "Subject: core\r\n\r\ncore text";
    private static final String DEEPEST_HEADER = "Subject: deepest\r\nContent-Type: message/rfc822\r\n\r\n";
    /** Message 2: a message/rfc822 holding a multipart whose second part is an attached message of an attached message. */
    private static final String NESTED = "From: a@example.net\r\nSubject: nested\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: message/rfc822\r\n\r\n"
            + "Subject: middle\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\npart one\r\n"
            + "--b\r\nContent-Type: message/rfc822\r\n\r\n" + DEEPEST_HEADER + CORE + "\r\n"
            + "--b--\r\n";

    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
        imap.users.put("sections", TestImap.PASSWORD);
        DeliveryHelper.deliver(imap, "sections", "INBOX", FORWARDED);
        DeliveryHelper.deliver(imap, "sections", "INBOX", NESTED);
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    /** The value of {@code item} in the FETCH response to {@code FETCH n (BODY.PEEK[section])}. */
    private String section(int message, String section) throws Exception {
        return section(message, section, "");
    }

    private String section(int message, String section, String partial) throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("sections");
            c.command("EXAMINE INBOX");
            List<String> answer = c.command("FETCH " + message + " (BODY.PEEK[" + section + "]" + partial + ")");
            assertTrue(RawImap.last(answer).contains("OK"), answer.toString());
            return value(answer.get(0), "BODY[" + section + "]");
        }
    }

    /** A literal's bytes or a quoted string's text after {@code item} in one response line. */
    private static String value(String line, String item) {
        int at = line.indexOf(item);
        assertTrue(at >= 0, item + " missing in " + line);
        int from = at + item.length();
        if (line.charAt(from) == '<') { // a partial fetch names its origin: BODY[1.TEXT]<0>
            from = line.indexOf('>', from) + 1;
        }
        from++;
        if (line.charAt(from) == '{') {
            int close = line.indexOf('}', from);
            int size = Integer.parseInt(line.substring(from + 1, close));
            return line.substring(close + 3, close + 3 + size);
        }
        assertTrue(line.startsWith("\"\"", from), "neither literal nor empty string: " + line);
        return "";
    }

    @Test
    void partOneOfAForwardedMessageIsTheWholeAttachedMessage() throws Exception {
        assertEquals(INNER_HEADER + "inner body\r\n", section(1, "1"));
    }

    @Test
    void headerAndTextAfterTheMessagePartAreTheAttachedMessages() throws Exception {
        assertEquals(INNER_HEADER, section(1, "1.HEADER"));
        assertEquals("inner body\r\n", section(1, "1.TEXT"));
        assertEquals("Subject: inner\r\n\r\n", section(1, "1.HEADER.FIELDS (SUBJECT)"));
        assertEquals("inner", section(1, "1.TEXT", "<0.5>"));
    }

    @Test
    void partOneOfTheAttachedSinglePartMessageIsItsBody() throws Exception {
        assertEquals("inner body\r\n", section(1, "1.1"));
    }

    @Test
    void mimeHeaderOfPartOneIsTheMessageHeaderThatTypesIt() throws Exception {
        assertEquals(OUTER_HEADER, section(1, "1.MIME"));
    }

    @Test
    void partsThatDoNotExistAreEmpty() throws Exception {
        assertEquals("", section(1, "2"));
        assertEquals("", section(1, "1.2"));
        assertEquals("", section(1, "1.1.1"));
        assertEquals("", section(2, "1.3"));
        assertEquals("", section(2, "1.3.HEADER"));
        assertEquals("", section(2, "1.3.MIME"));
    }

    /** RFC 3501 leaves HEADER/TEXT of a part that is no MESSAGE/RFC822 open; like Dovecot, the part's own. */
    @Test
    void headerAndTextOfAPartThatIsNoMessageAreThePartsOwn() throws Exception {
        assertEquals("Content-Type: text/plain\r\n\r\n", section(2, "1.1.HEADER"));
        assertEquals("part one", section(2, "1.1.TEXT"));
    }

    @Test
    void partsOfAMultipartInsideTheAttachedMessageAreNumberedUnderIt() throws Exception {
        assertEquals("part one", section(2, "1.1"));
        assertEquals("Content-Type: text/plain\r\n\r\n", section(2, "1.1.MIME"));
        assertEquals(DEEPEST_HEADER + CORE, section(2, "1.2"));
        assertEquals(DEEPEST_HEADER, section(2, "1.2.HEADER"));
    }

    @Test
    void anAttachedMessageInsideAnAttachedMessageIsReachedPartByPart() throws Exception {
        assertEquals(CORE, section(2, "1.2.1"));
        assertEquals(CORE, section(2, "1.2.TEXT"));
        assertEquals("Subject: core\r\n\r\n", section(2, "1.2.1.HEADER"));
        assertEquals("core text", section(2, "1.2.1.TEXT"));
        assertEquals("core text", section(2, "1.2.1.1"));
    }

    @Test
    void bodyStructureDescribesTheAttachedMessageWithItsEnvelopeAndBody() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("sections");
            c.command("EXAMINE INBOX");
            String structure = c.command("FETCH 1 (BODYSTRUCTURE)").get(0);
            String inner = "(\"TEXT\" \"PLAIN\" (\"charset\" \"us-ascii\") NIL NIL \"7BIT\" 12 1 NIL NIL NIL NIL)";
            assertTrue(structure.contains("BODYSTRUCTURE (\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" "
                    + (INNER_HEADER.length() + 12) + " (NIL \"inner\" ((\"Bea\" NIL \"b\" \"example.net\"))"), structure);
            assertTrue(structure.contains(inner + " 5 NIL NIL NIL NIL)"), structure);
        }
    }

    @Test
    void jakartaMailReadsTheTextOfAForwardedMessage() throws Exception {
        try (Store store = MailClient.connect(imap.imapsPort(), "sections")) {
            Folder inbox = MailClient.open(store, "INBOX", Folder.READ_ONLY);
            Message forwarded = inbox.getMessage(1);
            assertTrue(forwarded.isMimeType("message/rfc822"));
            MimeMessage inner = (MimeMessage) forwarded.getContent();
            assertEquals("inner", inner.getSubject());
            assertEquals("inner body\r\n", inner.getContent());
        }
    }
}
