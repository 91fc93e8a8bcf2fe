package dev.liaison.gateway.mail;

import static dev.liaison.gateway.mail.TestMail.octets;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Header sections the relay refuses, on both the sending and the receiving side. */
class MalformedMailTest {

    private static final String ID = "Message-ID: <a@b>\r\n";

    @Test
    void bareLfInTheHeaderSectionIsRefusedWithItsOffset() {
        assertRefused(octets(ID + "Subject: x\nBcc: hidden@x\r\n\r\nbody"), "bare LF at offset 29");
    }

    @Test
    void bareCrInTheHeaderSectionIsRefused() {
        assertRefused(octets(ID + "Subject: x\rFrom: evil\r\n\r\nbody"), "bare CR");
    }

    @Test
    void nulInTheHeaderSectionIsRefused() {
        assertRefused(octets(ID + "Subject: x\0y\r\n\r\nbody"), "NUL");
    }

    @Test
    void continuationLineFirstIsRefused() {
        assertRefused(octets(" folded\r\n" + ID + "\r\nbody"), "continuation");
    }

    @Test
    void lineThatIsNeitherFieldNorContinuationIsRefused() {
        assertRefused(octets(ID + "this is not a field\r\n\r\nbody"), "neither a header field");
    }

    @Test
    void fieldWithEmptyNameIsRefused() {
        assertRefused(octets(ID + ": value\r\n\r\nbody"), "neither a header field");
    }

    @Test
    void headerSectionEndingMidLineIsRefused() {
        assertRefused(octets(ID + "Subject: no line end"), "middle of a line");
    }

    @Test
    void emptyMessageIsRefused() {
        assertRefused(new byte[0], "empty");
    }

    @Test
    void headerSectionOverTheLimitIsRefusedEvenWithoutALineEnd() {
        byte[] huge = new byte[MailLimits.MAX_HEADER_SECTION_BYTES + 10];
        Arrays.fill(huge, (byte) 'a');
        System.arraycopy(octets("Subject: "), 0, huge, 0, 9);
        assertRefused(huge, "over the limit of " + MailLimits.MAX_HEADER_SECTION_BYTES);
    }

    @Test
    void headerSectionOverTheLimitInManyLinesIsRefused() {
        StringBuilder fields = new StringBuilder(ID);
        String line = "X-Filler: " + "f".repeat(990) + "\r\n";
        while (fields.length() <= MailLimits.MAX_HEADER_SECTION_BYTES) {
            fields.append(line);
        }
        assertRefused(octets(fields + "\r\nbody"), "header section is over the limit");
    }

    @Test
    void moreFieldsThanTheLimitAreRefused() {
        String fields = ID + "X-A: 1\r\n".repeat(MailLimits.MAX_HEADER_FIELDS);
        assertRefused(octets(fields + "\r\nbody"), "more than " + MailLimits.MAX_HEADER_FIELDS + " header fields");
    }

    @Test
    void asManyFieldsAsTheLimitAreAccepted() throws Exception {
        String fields = ID + "Keywords: k\r\n".repeat(MailLimits.MAX_HEADER_FIELDS - 1);
        byte[] sealed = OutgoingMail.prepare(octets(fields + "\r\nbody")).sealed();
        assertEquals(MailLimits.MAX_HEADER_FIELDS - 1, TestMail.latin1(sealed).split("Keywords: k\r\n", -1).length - 1);
    }

    @Test
    void foldedFieldOverTheLimitIsRefused() {
        String folded = "References: <a@b>\r\n" + " <x@y>\r\n".repeat(MailLimits.MAX_FIELD_BYTES / 8 + 1);
        assertRefused(octets(ID + folded + "\r\nbody"), "References at offset 19 is over " + MailLimits.MAX_FIELD_BYTES);
    }

    @Test
    void headerOnlyMessageWithoutEmptyLineIsAccepted() throws Exception {
        byte[] sealed = OutgoingMail.prepare(octets("Subject: x\r\n" + ID)).sealed();
        assertArrayEquals(octets("Subject: x\r\nMessage-ID: <" + MessageIds.neutral("a@b") + ">\r\n"), sealed);
    }

    private static void assertRefused(byte[] message, String expectedInMessage) {
        assertRefusedBy(() -> OutgoingMail.prepare(message), expectedInMessage);
        assertRefusedBy(() -> IncomingMail.deliverable(message, "Peer", "peer.x1@a.example", "me@a.example"),
                expectedInMessage);
    }

    private static void assertRefusedBy(Executable call, String expectedInMessage) {
        MalformedMailException e = assertThrows(MalformedMailException.class, call);
        assertTrue(e.getMessage().contains(expectedInMessage), () -> "message was: " + e.getMessage());
    }
}
