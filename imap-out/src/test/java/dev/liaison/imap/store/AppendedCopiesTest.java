package dev.liaison.imap.store;

import org.apache.james.mailbox.model.ByteContent;
import org.junit.jupiter.api.Test;

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
        assertEquals(Optional.empty(), AppendedCopies.headerSection(content("Message-ID: <a@b>\r\nSubject: x\r\n")));
        String longField = "X-Long: " + "a".repeat(AppendedCopies.MAX_HEADER_OCTETS) + "\r\n\r\nbody";
        assertEquals(Optional.empty(), AppendedCopies.headerSection(content(longField)));
    }

    private static String header(String message) throws Exception {
        return new String(AppendedCopies.headerSection(content(message)).orElseThrow(), StandardCharsets.ISO_8859_1);
    }

    private static ByteContent content(String message) {
        return new ByteContent(message.getBytes(StandardCharsets.ISO_8859_1));
    }
}
