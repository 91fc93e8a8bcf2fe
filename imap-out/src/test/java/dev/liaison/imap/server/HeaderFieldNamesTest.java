package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HEADER.FIELDS names are astrings (RFC 3501 §9 header-fld-name): quoted and (LITERAL+) literal
 * names mean the field they spell, and the response names the fields so a client can parse them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HeaderFieldNamesTest {

    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
        DeliveryHelper.deliver(imap, "bob", "INBOX", "From: a@x.de\r\nSubject: named\r\nX-Tag: t\r\n\r\nbody\r\n");
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    @Test
    void quotedFieldNamesAreTheFieldsTheySpell() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("bob");
            c.command("EXAMINE INBOX");
            assertEquals("* 1 FETCH (BODY[HEADER.FIELDS (Subject)] {18}\r\nSubject: named\r\n\r\n)",
                    c.command("FETCH 1 (BODY.PEEK[HEADER.FIELDS (\"Subject\")])").get(0));
            assertEquals("* 1 FETCH (UID 1 BODY[HEADER.FIELDS.NOT (Subject From)] {12}\r\nX-Tag: t\r\n\r\n)",
                    c.command("UID FETCH 1 (BODY.PEEK[HEADER.FIELDS.NOT (\"Subject\" From)])").get(0));
            assertEquals("* 1 FETCH (BODY[HEADER.FIELDS (X-Tag)]<0> {5}\r\nX-Tag)",
                    c.command("FETCH 1 (BODY.PEEK[HEADER.FIELDS (\"X-Tag\")]<0.5>)").get(0));
        }
    }

    @Test
    void aNonSynchronizingLiteralFieldNameIsTheFieldItSpells() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("bob");
            c.command("EXAMINE INBOX");
            String tag = c.nextTag();
            c.send(tag + " FETCH 1 (BODY.PEEK[HEADER.FIELDS ({7+}\r\nSubject)])\r\n");
            List<String> answer = c.until(tag);
            assertEquals("* 1 FETCH (BODY[HEADER.FIELDS (Subject)] {18}\r\nSubject: named\r\n\r\n)", answer.get(0));
            assertTrue(RawImap.last(answer).contains("OK"), answer.toString());
        }
    }
}
