package dev.liaison.imap.store;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The header section an APPEND is recognised by: read up to the empty line, never further. */
class AppendedCopiesTest {

    @Test
    void theHeaderSectionEndsAtTheFirstEmptyLineWithCrlfOrBareLineFeeds() throws Exception {
        assertEquals("Message-ID: <a@b>\r\nSubject: x\r\n\r\n",
                header("Message-ID: <a@b>\r\nSubject: x\r\n\r\nbody\r\n\r\nMessage-ID: <c@d>\r\n"));
        assertEquals("Message-ID: <a@b>\n\n", header("Message-ID: <a@b>\n\nbody\n"));
    }

    @Test
    void aMessageThatStartsWithTheEmptyLineHasAnEmptyHeaderSection() throws Exception {
        // the body's lines must not be read as fields
        assertEquals("\r\n", header("\r\nMessage-ID: <in-the-body@b>\r\n\r\n"));
        assertEquals("\n", header("\nMessage-ID: <in-the-body@b>\n\n"));
    }

    @Test
    void noEmptyLineWithinTheBoundMeansNoHeaderSection() throws Exception {
        assertEquals(Optional.empty(), AppendedCopies.headerSection(stream("Message-ID: <a@b>\r\nSubject: x\r\n")));
        String longField = "X-Long: " + "a".repeat(AppendedCopies.MAX_HEADER_OCTETS) + "\r\n\r\nbody";
        assertEquals(Optional.empty(), AppendedCopies.headerSection(stream(longField)));
    }

    @Test
    void theStreamIsLeftAtTheFirstOctetOfTheBody() throws Exception {
        InputStream in = stream("Subject: x\r\n\r\nthe body\r\n");
        AppendedCopies.headerSection(in);
        assertEquals("the body\r\n", new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
    }

    private static String header(String message) throws Exception {
        return new String(AppendedCopies.headerSection(stream(message)).orElseThrow(), StandardCharsets.ISO_8859_1);
    }

    private static InputStream stream(String message) {
        return new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1));
    }
}
