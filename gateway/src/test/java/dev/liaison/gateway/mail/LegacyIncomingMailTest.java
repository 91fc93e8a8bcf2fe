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
}
