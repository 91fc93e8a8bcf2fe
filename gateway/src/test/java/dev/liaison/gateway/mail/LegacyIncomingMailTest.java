package dev.liaison.gateway.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The author of plain email as the MX hands it over: RFC 6532 header text is UTF-8. */
class LegacyIncomingMailTest {

    private static LegacyIncomingMail parse(String header, java.nio.charset.Charset charset) throws Exception {
        return LegacyIncomingMail.parse((header + "\r\nSubject: s\r\n\r\nbody\r\n").getBytes(charset));
    }

    @Test
    void aUtf8DisplayNameIsReadAsUtf8() throws Exception {
        LegacyIncomingMail mail = parse("From: Zoë Grünwald <zoe@legacy.example>", StandardCharsets.UTF_8);
        assertEquals(new LegacyIncomingMail.Author("zoe@legacy.example", Optional.of("Zoë Grünwald")), mail.author());
        assertTrue(mail.author().ascii());
        String shown = new String(mail.asFrom("zoe.x1@alex.example", "Zoë Grünwald", Optional.empty()),
                StandardCharsets.UTF_8);
        assertTrue(shown.startsWith("From: =?UTF-8?"), "the gateway's own fields stay ASCII: " + shown);
    }

    @Test
    void aUtf8LocalPartIsNotAsciiAndLatin1OctetsAreKeptAsOctets() throws Exception {
        assertFalse(parse("From: Jörg <jörg@legacy.example>", StandardCharsets.UTF_8).author().ascii());
        // submission takes any 8-bit text from local scripts: read one char per octet, never a crash
        assertEquals(Optional.of("Zoë"), parse("From: Zoë <zoe@legacy.example>", StandardCharsets.ISO_8859_1)
                .author().displayName());
    }

    /** RFC 2369 §3.4's forms: the first mailto URI's address, parameters dropped, lower case; nothing else counts. */
    @Test
    void aListPostNamesTheListsPostingAddressOnlyAsAMailtoUri() throws Exception {
        String from = "From: Dave <dave@legacy.example>\r\n";
        assertEquals(Optional.of("dev@lists.example"), parse(from + "List-Post: <mailto:Dev@Lists.Example>",
                StandardCharsets.US_ASCII).listPost());
        assertEquals(Optional.of("dev@lists.example"), parse(from + "List-Post: <http://lists.example/post>,\r\n"
                + " <mailto:dev@lists.example?subject=post> (members only)", StandardCharsets.US_ASCII).listPost());
        assertEquals(Optional.of("dev+x@lists.example"), parse(from + "List-Post: <mailto:dev%2Bx%40lists.example>",
                StandardCharsets.US_ASCII).listPost());
        assertEquals(Optional.of("dev@lists.example"), parse(from + "List-Post: <mailto:dev@lists.example>\r\n"
                + "List-Post: <mailto:other@lists.example>", StandardCharsets.US_ASCII).listPost(), "the first field");
        for (String value : new String[] {"NO", "NO (posting is not allowed here)", "<http://lists.example/post>",
                "mailto:dev@lists.example", "<mailto:>", "<mailto:not an address>", "<mailto:dev@lists..example>"}) {
            assertEquals(Optional.empty(), parse(from + "List-Post: " + value, StandardCharsets.US_ASCII).listPost(),
                    value);
        }
        assertEquals(Optional.empty(), parse(from.strip(), StandardCharsets.US_ASCII).listPost(), "no list");
    }

    /**
     * An invitation in a list's post was offered to the list: the list relays it to every
     * subscriber, so a subscriber's gateway must not take it up (it would become the author's
     * relationship with the list).
     */
    @Test
    void anInvitationInAListsPostIsNotTaken() throws Exception {
        String mail = "From: Alex <alex.q7@alex.example>\r\nCommunicator-Invite: token123";
        assertEquals(Optional.of("token123"), parse(mail, StandardCharsets.US_ASCII).invitation());
        assertEquals(Optional.empty(), parse(mail + "\r\nList-Id: Dev <dev.lists.example>", StandardCharsets.US_ASCII)
                .invitation());
        assertEquals(Optional.empty(), parse(mail + "\r\nList-Post: <mailto:dev@lists.example>",
                StandardCharsets.US_ASCII).invitation());
    }
}
