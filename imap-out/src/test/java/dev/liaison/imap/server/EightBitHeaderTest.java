package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Raw 8-bit (UTF-8) header text (RFC 6532) comes back as the octets stored: HEADER.FIELDS is a
 * subset of the header octet for octet (RFC 9051 §6.4.5), and ENVELOPE carries 8-bit strings as
 * literals of the same octets, as Dovecot does (a quoted string is 7-bit).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EightBitHeaderTest {

    private static final String MESSAGE = "From: Jürgen <j@x.de>\r\nTo: Zoë Åberg <z@x.se>, plain@x.se\r\n"
            + "Cc: k@x.de (Käthe)\r\nSubject: Grüße raw utf8\r\nDate: Tue, 3 Jun 2025 11:05:30 +0200\r\n\r\nbody\r\n";
    private static final String ATTACHED = "Subject: outer\r\nFrom: a@x.de\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n"
            + "Content-Description: Überblick\r\n\r\ntext\r\n--b--\r\n";

    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
        DeliveryHelper.deliver(imap, "alice", "INBOX", MESSAGE);
        DeliveryHelper.deliver(imap, "alice", "INBOX", ATTACHED);
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    @Test
    void headerFieldsAreTheStoredOctets() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("alice");
            c.command("EXAMINE INBOX");
            String fields = c.command("FETCH 1 (BODY.PEEK[HEADER.FIELDS (Subject From)])").get(0);
            assertTrue(fields.contains("From: Jürgen <j@x.de>\r\nSubject: Grüße raw utf8\r\n\r\n"), fields);
            assertLiteralSizesMatch(fields);
            String not = c.command("FETCH 1 (BODY.PEEK[HEADER.FIELDS.NOT (Date)])").get(0);
            assertTrue(not.contains("From: Jürgen <j@x.de>\r\nTo: Zoë Åberg <z@x.se>, plain@x.se\r\n"
                    + "Cc: k@x.de (Käthe)\r\nSubject: Grüße raw utf8\r\n\r\n"), not);
            String partial = c.command("FETCH 1 (BODY.PEEK[HEADER.FIELDS (Subject)]<9.6>)").get(0);
            assertTrue(partial.contains("<9> {6}\r\nGrüß)"), partial);
            String mime = c.command("FETCH 2 (BODY.PEEK[1.MIME])").get(0);
            assertTrue(mime.contains("Content-Description: Überblick\r\n"), mime);
        }
    }

    @Test
    void envelopeStringsAreTheStoredOctetsAsLiterals() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("alice");
            c.command("EXAMINE INBOX");
            String envelope = c.command("FETCH 1 (ENVELOPE)").get(0);
            int subject = "Grüße raw utf8".getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            assertTrue(envelope.contains(" {" + subject + "}\r\nGrüße raw utf8 "), envelope);
            assertTrue(envelope.contains("(({7}\r\nJürgen NIL \"j\" \"x.de\"))"), envelope);
            assertTrue(envelope.contains("(({11}\r\nZoë Åberg NIL \"z\" \"x.se\")(NIL NIL \"plain\" \"x.se\"))"),
                    envelope);
            assertTrue(envelope.contains("(({6}\r\nKäthe NIL \"k\" \"x.de\"))"), "a comment name: " + envelope);
        }
    }

    /** Every literal in {@code line} holds as many octets as it announces. */
    private static void assertLiteralSizesMatch(String line) {
        List<String> parts = List.of(line.split("\\{"));
        for (String part : parts.subList(1, parts.size())) {
            int size = Integer.parseInt(part.substring(0, part.indexOf('}')));
            byte[] rest = part.substring(part.indexOf('}') + 3).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(rest.length >= size && (rest.length == size || rest[size] == ')' || rest[size] == ' '), line);
        }
    }
}
