package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SEARCH over raw IMAP against messages the text extraction finds awkward. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchTest {

    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    /**
     * PostgreSQL text cannot hold U+0000: a message with a NUL (decoded from quoted-printable, or
     * raw in an APPENDed body or header) once failed every text SEARCH of its folder for good.
     */
    @Test
    void aNulByteInAMessageLeavesEveryTextSearchOfTheFolderWorking() throws Exception {
        DeliveryHelper.deliver(imap, "alice", "INBOX", MailClient.simple("plain one", "nothing odd"));
        DeliveryHelper.deliver(imap, "alice", "INBOX", "Subject: encoded zero\r\nContent-Type: text/plain\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n\r\nhello=00world\r\n");
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("alice");
            c.command("SELECT INBOX");
            appendWithNul(c, "Subject: raw\0nul\r\n\r\nraw\0body here\r\n");
            assertEquals("* SEARCH 2", search(c, "BODY hello"));
            assertEquals("* SEARCH 2", search(c, "BODY world"));
            assertEquals("* SEARCH 3", search(c, "BODY \"body here\""));
            assertEquals("* SEARCH 3", search(c, "SUBJECT nul"));
            assertEquals("* SEARCH 1", search(c, "SUBJECT plain"));
            assertEquals("* SEARCH 1 2 3", search(c, "TEXT e"));
        }
    }

    /**
     * RFC 6532 raw UTF-8 header text was extracted as Latin-1: {@code Grüße} was found only by its
     * mojibake. 8-bit body text without a charset was extracted as US-ASCII and not found at all.
     * Latin-1 header text (not valid UTF-8) is found as before.
     */
    @Test
    void rawUtf8HeaderAndBodyTextIsFoundAsWritten() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(imap.newUser("utf"));
            c.command("SELECT INBOX");
            append(c, "From: Jürgen Groß <j@x.de>\r\nSubject: Grüße raw\r\n\r\n8bit ünicode\r\n"
                    .getBytes(StandardCharsets.UTF_8));
            append(c, "Subject: café latin\r\n\r\nplain\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals("* SEARCH 1", search(c, "CHARSET UTF-8 SUBJECT \"Grüße\""));
            assertEquals("* SEARCH 1", search(c, "CHARSET UTF-8 FROM \"groß\""));
            assertEquals("* SEARCH 1", search(c, "CHARSET UTF-8 BODY \"ünicode\""));
            assertEquals("* SEARCH 1", search(c, "CHARSET UTF-8 TEXT \"jürgen\""));
            assertEquals("* SEARCH", search(c, "CHARSET UTF-8 SUBJECT \"GrÃ¼ÃŸe\""), "not the mojibake");
            assertEquals("* SEARCH 2", search(c, "CHARSET UTF-8 SUBJECT \"café\""));
        }
    }

    private static void append(RawImap c, byte[] message) throws Exception {
        String tag = c.nextTag();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write((tag + " APPEND INBOX {" + message.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
        all.write(message);
        all.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        c.sendBytes(all.toByteArray());
        List<String> answer = c.until(tag);
        assertTrue(RawImap.last(answer).startsWith(tag + " OK"), answer.toString());
    }

    private static void appendWithNul(RawImap c, String message) throws Exception {
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        String tag = c.nextTag();
        c.send(tag + " APPEND INBOX {" + bytes.length + "+}\r\n");
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        rest.write(bytes);
        rest.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        c.sendBytes(rest.toByteArray());
        List<String> answer = c.until(tag);
        assertTrue(RawImap.last(answer).startsWith(tag + " OK"), answer.toString());
    }

    private static String search(RawImap c, String criteria) throws Exception {
        List<String> answer = c.command("SEARCH " + criteria);
        assertTrue(RawImap.last(answer).contains("OK"), criteria + ": " + answer);
        return answer.stream().filter(line -> line.startsWith("* SEARCH")).findFirst().orElse("") ;
    }
}
