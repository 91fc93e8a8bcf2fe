package dev.liaison.imap.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MessageShapeTest {

    private static long lines(String message) {
        byte[] m = message.getBytes(StandardCharsets.ISO_8859_1);
        return MessageShape.lines(m, MessageShape.bodyStart(m));
    }

    @Test
    void theBodysLinesAreCountedWithAnUnendedLastLineAsALine() {
        assertEquals(2, lines("Subject: a\r\n\r\none\r\ntwo\r\n"));
        assertEquals(2, lines("Subject: a\r\n\r\none\r\ntwo"), "a last line without its line end");
        assertEquals(0, lines("Subject: a\r\n\r\n"), "an empty body");
        assertEquals(0, lines("Subject: a\r\n"), "no body at all");
        assertEquals(3, lines("Subject: a\n\none\n\nthree\n"), "bare line feeds, an empty line");
        assertEquals(1, lines("Subject: a\r\n\r\n\u00ff\u00e9 latin-1 octets\r\n"));
    }

    @Test
    void theBodyStartsAfterTheFirstEmptyLineHoweverLinesEnd() {
        assertEquals(14, start("Subject: a\r\n\r\nbody\r\n"));
        assertEquals(12, start("Subject: a\n\nbody\n"), "bare line feeds");
        assertEquals(13, start("Subject: a\n\r\nbody\r\n"), "a bare line feed, then CRLF");
        assertEquals(12, start("Subject: a\r\n"), "a header without a body");
        assertEquals(10, start("Subject: a"), "an unended header without a body");
        assertEquals(2, start("\r\nbody\r\n\r\nmore\r\n"), "no header at all");
        assertEquals(1, start("\nbody\n\nmore\n"), "no header at all, bare line feeds");
    }

    private static int start(String message) {
        return MessageShape.bodyStart(message.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aTextMessageRecordsItsBodysLineCount() {
        String body = "line\r\n".repeat(1700) + "last";
        byte[] m = ("Subject: a\r\nContent-Type: text/plain\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
        assertEquals(1701, MessageShape.of(m).properties().getTextualLineCount());
    }
}
