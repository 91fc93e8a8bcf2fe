package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeUtility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BODYSTRUCTURE (RFC 3501 §7.4.2) of single-part text messages, delivered or appended (the
 * body-fld-lines James keeps beside the MIME properties must survive the store), of
 * messages attached inside attached messages, and attachment names (parameters as written).
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
    /** Attachment names in the ways mail programs write them: RFC 2047, RFC 2231, raw UTF-8. */
    private static final String NAMED = "From: a@example.net\r\nSubject: named attachments\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"n\"\r\n\r\n"
            + "--n\r\nContent-Type: application/pdf; name=\"=?utf-8?B?UHLDpHNlbnRhdGlvbi5wZGY=?=\"\r\n"
            + "Content-Description: =?utf-8?Q?=C3=9Cberblick?=\r\n"
            + "Content-Disposition: attachment; filename=\"=?utf-8?B?UHLDpHNlbnRhdGlvbi5wZGY=?=\"\r\n\r\nx\r\n"
            + "--n\r\nContent-Type: application/pdf; name*0*=UTF-8''%C3%BCbersicht%20; name*1*=%E6%97%A5%E6%9C%AC.pdf\r\n"
            + "Content-Disposition: attachment; filename*0*=UTF-8''%C3%BCbersicht%20;\r\n"
            + " filename*1*=%E6%97%A5%E6%9C%AC.pdf\r\n\r\nx\r\n"
            + "--n\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"Grüße.pdf\"\r\n\r\nx\r\n"
            + "--n\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Disposition: inline; filename*0=\"long \"; filename*1*=%C3%BC.txt\r\n\r\nx\r\n"
            + "--n--\r\n";
    /** A single-part attachment, appended: its description is the one stored with the message. */
    private static final String APPENDED_NAMED = "From: a@example.net\r\nSubject: one named part\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: application/pdf; name=\"=?UTF-8?Q?=C3=BCbersicht.pdf?=\"\r\n"
            + "Content-Disposition: attachment; filename=\"=?UTF-8?Q?=C3=BCbersicht.pdf?=\"\r\n\r\nx\r\n";
    private static final String DELIVERED_NAMED = "From: a@example.net\r\nSubject: one named part\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: application/pdf; name*=UTF-8''%C3%BC.pdf\r\n"
            + "Content-Disposition: attachment;\r\n filename*=UTF-8''%C3%BC.pdf\r\n\r\nx\r\n";
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
            DeliveryHelper.deliver(imap, "structured", "INBOX", NAMED);
            assertTrue(RawImap.last(c.command("APPEND INBOX {" + APPENDED_NAMED.length() + "+}\r\n" + APPENDED_NAMED))
                    .contains("OK"));
            DeliveryHelper.deliver(imap, "structured", "INBOX", DELIVERED_NAMED);
        }
        imap.users.put("nested", TestImap.PASSWORD);
        DeliveryHelper.deliver(imap, "nested", "INBOX", MailClient.simple("before", "one"));
        DeliveryHelper.deliver(imap, "nested", "INBOX", nested(3000, "x"));
        DeliveryHelper.deliver(imap, "nested", "INBOX", nested(3000, ""));
        DeliveryHelper.deliver(imap, "nested", "INBOX", MailClient.simple("after", "two"));
    }

    /**
     * A message of {@code depth} multiparts, one inside the other, around one text part; with an
     * empty {@code suffix} boundary {@code b1} begins {@code b10}, and mime4j, which takes a line
     * that begins with a delimiter for one, sees another tree than the message's.
     */
    private static String nested(int depth, String suffix) {
        StringBuilder open = new StringBuilder("From: a@example.net\r\nSubject: deep\r\nMIME-Version: 1.0\r\n");
        StringBuilder close = new StringBuilder();
        for (int level = 0; level < depth; level++) {
            String boundary = "b" + level + suffix;
            open.append("Content-Type: multipart/mixed; boundary=").append(boundary).append("\r\n\r\n--")
                    .append(boundary).append("\r\n");
            close.insert(0, "\r\n--" + boundary + "--\r\n");
        }
        return open.append("Content-Type: text/plain\r\n\r\ndeepest").append(close).toString();
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

    /**
     * Parameters are sent as the header writes them, as Dovecot sends them (RFC 3501 body-fld-param),
     * and the client decodes them: James sent disposition parameters decoded, as Latin-1 octets
     * ({@code Pr\xE4sentation.pdf}, not UTF-8), a continuation half decoded, and Content-Type ones raw.
     */
    @Test
    void attachmentNamesAreTheParametersTheHeaderWrites() throws Exception {
        String structure = fetch("FETCH 4 (BODYSTRUCTURE)").get(0);
        String encodedWord = "\"=?utf-8?B?UHLDpHNlbnRhdGlvbi5wZGY=?=\"";
        assertTrue(structure.contains("(\"APPLICATION\" \"PDF\" (\"name\" " + encodedWord + ") NIL"
                + " \"=?utf-8?Q?=C3=9Cberblick?=\" \"7BIT\" 1 NIL"
                + " (\"attachment\" (\"filename\" " + encodedWord + ")) NIL NIL)"), structure);
        String continued = "\"UTF-8''%C3%BCbersicht%20%E6%97%A5%E6%9C%AC.pdf\"";
        assertTrue(structure.contains("(\"APPLICATION\" \"PDF\" (\"name*\" " + continued + ") NIL NIL \"7BIT\" 1 NIL"
                + " (\"attachment\" (\"filename*\" " + continued + ")) NIL NIL)"), structure);
        int raw = "Grüße.pdf".getBytes(StandardCharsets.UTF_8).length;
        assertTrue(structure.contains("(\"attachment\" (\"filename\" {" + raw + "}\r\nGrüße.pdf))"),
                "raw UTF-8 octets go out as they came: " + structure);
        assertTrue(structure.contains("(\"inline\" (\"filename*\" \"''long%20%C3%BC.txt\"))"),
                "a plain first segment is escaped into the extended value: " + structure);
        assertFalse(structure.contains("\uFFFD"), "every octet sent is UTF-8: " + structure);
        String body = fetch("FETCH 4 (BODY)").get(0);
        assertTrue(body.contains("(\"APPLICATION\" \"PDF\" (\"name*\" " + continued + ") NIL NIL \"7BIT\" 1)"), body);

        String appended = fetch("FETCH 5 (BODYSTRUCTURE)").get(0);
        String q = "\"=?UTF-8?Q?=C3=BCbersicht.pdf?=\"";
        assertTrue(appended.contains("(\"APPLICATION\" \"PDF\" (\"name\" " + q + ") NIL NIL \"7BIT\" 3 NIL"
                + " (\"attachment\" (\"filename\" " + q + ")) NIL NIL)"), appended);
        String delivered = fetch("FETCH 6 (BODYSTRUCTURE)").get(0);
        assertTrue(delivered.contains("(\"APPLICATION\" \"PDF\" (\"name*\" \"UTF-8''%C3%BC.pdf\") NIL NIL \"7BIT\" 3 NIL"
                + " (\"attachment\" (\"filename*\" \"UTF-8''%C3%BC.pdf\")) NIL NIL)"), delivered);
    }

    /** A mail client decodes the names it is sent: Jakarta Mail, RFC 2231 and RFC 2047 (asked) alike. */
    @Test
    void jakartaMailShowsTheAttachmentNames() throws Exception {
        try (Store store = MailClient.connect(imap.imapsPort(), "structured")) {
            Folder inbox = MailClient.open(store, "INBOX", Folder.READ_ONLY);
            Multipart parts = (Multipart) inbox.getMessage(4).getContent();
            assertEquals("Präsentation.pdf", MimeUtility.decodeText(parts.getBodyPart(0).getFileName()));
            assertEquals("Überblick", parts.getBodyPart(0).getDescription());
            assertEquals("übersicht 日本.pdf", parts.getBodyPart(1).getFileName());
            assertEquals("long ü.txt", parts.getBodyPart(3).getFileName());
            assertEquals("übersicht.pdf", MimeUtility.decodeText(inbox.getMessage(5).getFileName()));
            assertEquals("ü.pdf", inbox.getMessage(6).getFileName());
        }
    }

    /**
     * A message 3,000 multiparts deep (anyone can mail one) overflowed mime4j's stack and the
     * FETCH was never answered. It is described down to Limits.MIME_NESTING levels, the entity
     * there as an opaque text part, as Dovecot stops at its nesting limit; the other messages of
     * the range come as ever, and the opaque part can be fetched by its section. A tree mime4j
     * sees deeper than the message's own (message 3) may still overflow it: that message is
     * left out of the answer, which still comes, with the others.
     */
    @Test
    void aMessageNestedThousandsDeepIsDescribedDownToTheBound() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("nested");
            c.command("EXAMINE INBOX");
            List<String> answer = c.command("FETCH 1:* (BODYSTRUCTURE)");
            assertTrue(RawImap.last(answer).contains("OK"), answer.toString());
            assertTrue(answer.get(0).startsWith("* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\""), answer.get(0));
            assertTrue(answer.get(answer.size() - 2).startsWith("* 4 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\""),
                    answer.toString());
            String deep = answer.get(1);
            assertTrue(deep.startsWith("* 2 FETCH (BODYSTRUCTURE " + "(".repeat(Limits.MIME_NESTING + 1)
                    + "\"TEXT\" \"PLAIN\""), deep.substring(0, Math.min(deep.length(), 300)));
            assertTrue(deep.endsWith(" \"MIXED\" (\"boundary\" \"b0x\") NIL NIL NIL))"), deep);
            assertTrue(answer.get(2).startsWith("* 3 FETCH (BODYSTRUCTURE ("), answer.get(2).substring(0, 100));
            assertEquals(5, answer.size(), "every message described");
            String path = String.join(".", java.util.Collections.nCopies(Limits.MIME_NESTING, "1"));
            String part = String.join("\n", c.command("FETCH 2 (BODY.PEEK[" + path + "])"));
            assertTrue(part.contains("}\r\n--b" + Limits.MIME_NESTING + "x\r\n") && part.contains("deepest"),
                    part.substring(0, Math.min(part.length(), 300)));
        }
    }
}
