package dev.liaison.smtp.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StrictLineDecoderTest {

    private static final int LIMIT = 16;

    @Test
    void crlfLinesAreEmittedWithTheirCrlfWhateverTheSplit() {
        String input = "EHLO a\r\nNOOP\r\n\r\n.\r\n";
        for (int split = 1; split < input.length(); split++) {
            EmbeddedChannel channel = channel();
            channel.writeInbound(bytes(input.substring(0, split)));
            channel.writeInbound(bytes(input.substring(split)));
            assertEquals(List.of("EHLO a\r\n", "NOOP\r\n", "\r\n", ".\r\n"), lines(channel), "split at " + split);
        }
    }

    @Test
    void oneByteAtATimeStillFramesCrlf() {
        EmbeddedChannel channel = channel();
        for (byte b : "QUIT\r\n".getBytes(StandardCharsets.US_ASCII)) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertEquals(List.of("QUIT\r\n"), lines(channel));
    }

    @ParameterizedTest
    @ValueSource(strings = {"NOOP\n", "NO\nOP\r\n", "\n", "a\r\n.\n"})
    void bareLfIsAViolationAndNothingAfterItIsEmitted(String input) {
        EmbeddedChannel channel = channel();
        channel.writeInbound(bytes(input + "NOOP\r\n"));
        List<Object> out = drain(channel);
        FramingEvent.Violation violation = assertInstanceOf(FramingEvent.Violation.class, out.get(out.size() - 1));
        assertEquals(FramingEvent.Kind.BARE_LF, violation.kind());
        channel.writeInbound(bytes("RSET\r\n"));
        assertNull(channel.readInbound(), "input after a violation is discarded");
    }

    @Test
    void bareCrIsAViolationEvenWhenTheNextByteArrivesLater() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(bytes("body\r"));
        assertNull(channel.readInbound(), "a trailing CR waits for its LF");
        channel.writeInbound(bytes(".\r\n"));
        FramingEvent.Violation violation = assertInstanceOf(FramingEvent.Violation.class, channel.readInbound());
        assertEquals(FramingEvent.Kind.BARE_CR, violation.kind());
    }

    @Test
    void overlongLineIsReportedOnceAndFramingResumesAfterIt() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(bytes("x".repeat(40)));
        channel.writeInbound(bytes("y".repeat(40) + "\r"));
        channel.writeInbound(bytes("\nNOOP\r\n"));
        List<Object> out = drain(channel);
        assertEquals(2, out.size(), out.toString());
        assertEquals(new FramingEvent.OverlongLine(LIMIT), out.get(0));
        assertEquals("NOOP\r\n", text(out.get(1)));
    }

    @Test
    void lineOfExactlyTheLimitPassesAndOneMoreOctetDoesNot() {
        EmbeddedChannel channel = channel();
        String exact = "a".repeat(LIMIT - 2) + "\r\n";
        channel.writeInbound(bytes(exact + "b".repeat(LIMIT - 1) + "\r\n"));
        List<Object> out = drain(channel);
        assertEquals(exact, text(out.get(0)));
        assertEquals(new FramingEvent.OverlongLine(LIMIT), out.get(1));
    }

    @Test
    void inAMessageTheTransparencyDotIsNotCounted() {
        EmbeddedChannel channel = new EmbeddedChannel(new StrictLineDecoder(LIMIT, c -> true));
        String stuffed = "." + ".".repeat(LIMIT - 2) + "\r\n"; // a line of exactly the limit, dot-stuffed
        channel.writeInbound(bytes(stuffed + ".x" + "y".repeat(LIMIT - 2) + "\r\n" + "z".repeat(LIMIT - 1) + "\r\n"));
        List<Object> out = drain(channel);
        assertEquals(stuffed, text(out.get(0)));
        assertEquals(List.of(new FramingEvent.OverlongLine(LIMIT), new FramingEvent.OverlongLine(LIMIT)), out.subList(1, 3),
                "one octet more than the stuffed limit, or an unstuffed line one over the limit, is still too long");
    }

    @Test
    void aStuffedLineArrivingInPiecesIsNotDroppedAtTheLimit() {
        EmbeddedChannel channel = new EmbeddedChannel(new StrictLineDecoder(LIMIT, c -> true));
        String stuffed = "." + ".".repeat(LIMIT - 2);
        channel.writeInbound(bytes(stuffed + "\r"));
        channel.writeInbound(bytes("\n"));
        assertEquals(List.of(stuffed + "\r\n"), lines(channel));
    }

    @Test
    void outsideAMessageALeadingDotCounts() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(bytes("." + "a".repeat(LIMIT - 2) + "\r\n"));
        assertEquals(List.of(new FramingEvent.OverlongLine(LIMIT)), drain(channel));
    }

    @Test
    void whereLongMessageLinesAreTakenALongLineComesOutInPartsThatTogetherAreTheLine() {
        EmbeddedChannel channel = longLines(true);
        String line = "." + "x".repeat(3 * LIMIT) + "." + "y".repeat(LIMIT) + "\r\n";
        for (int i = 0; i < line.length(); i += 7) {
            channel.writeInbound(bytes(line.substring(i, Math.min(line.length(), i + 7))));
        }
        channel.writeInbound(bytes("next\r\n"));
        List<Object> out = drain(channel);
        StringBuilder joined = new StringBuilder();
        for (Object part : out.subList(0, out.size() - 1)) {
            joined.append(new String(assertInstanceOf(FramingEvent.LinePart.class, part).octets(), StandardCharsets.ISO_8859_1));
        }
        assertEquals(line, joined.toString(), "nothing split, dropped or added");
        assertEquals("next\r\n", text(out.get(out.size() - 1)), "the next line is an ordinary line again");
    }

    /** The octets after a part boundary continue the line: {@code .CRLF} there is not the end of data. */
    @Test
    void aDotLineAfterAPartBoundaryIsStillPartOfTheLongLine() {
        EmbeddedChannel channel = longLines(true);
        channel.writeInbound(bytes("z".repeat(LIMIT + 1)));
        channel.writeInbound(bytes(".\r\n"));
        List<Object> out = drain(channel);
        assertEquals(2, out.size(), out.toString());
        assertEquals(".\r\n", new String(assertInstanceOf(FramingEvent.LinePart.class, out.get(1)).octets(),
                StandardCharsets.ISO_8859_1));
    }

    @Test
    void aCrEndingAPartWaitsForItsLf() {
        EmbeddedChannel channel = longLines(true);
        channel.writeInbound(bytes("z".repeat(LIMIT + 1)));
        channel.writeInbound(bytes("zz\r"));
        channel.writeInbound(bytes("\n"));
        List<String> parts = drain(channel).stream()
                .map(p -> new String(((FramingEvent.LinePart) p).octets(), StandardCharsets.ISO_8859_1)).toList();
        assertEquals(List.of("z".repeat(LIMIT + 1), "zz", "\r\n"), parts);
    }

    @Test
    void aCompleteLongMessageLineIsPassedOnWhole() {
        EmbeddedChannel channel = longLines(true);
        String line = "w".repeat(3 * LIMIT) + "\r\n";
        channel.writeInbound(bytes(line + "next\r\n"));
        assertEquals(List.of(line, "next\r\n"), lines(channel));
    }

    @Test
    void aBareLfInsideALongLineIsStillAViolation() {
        EmbeddedChannel channel = longLines(true);
        channel.writeInbound(bytes("z".repeat(LIMIT + 1)));
        channel.writeInbound(bytes("zz\n.\r\n"));
        List<Object> out = drain(channel);
        FramingEvent.Violation violation = assertInstanceOf(FramingEvent.Violation.class, out.get(out.size() - 1));
        assertEquals(FramingEvent.Kind.BARE_LF, violation.kind());
    }

    @Test
    void commandLinesKeepTheLimitWhereLongMessageLinesAreTaken() {
        EmbeddedChannel channel = longLines(false);
        channel.writeInbound(bytes("x".repeat(LIMIT + 1)));
        channel.writeInbound(bytes("\r\n" + "y".repeat(LIMIT) + "\r\nNOOP\r\n"));
        List<Object> out = drain(channel);
        assertEquals(List.of(new FramingEvent.OverlongLine(LIMIT), new FramingEvent.OverlongLine(LIMIT)), out.subList(0, 2));
        assertEquals("NOOP\r\n", text(out.get(2)));
    }

    private static EmbeddedChannel longLines(boolean inMessage) {
        return new EmbeddedChannel(new StrictLineDecoder(LIMIT, c -> inMessage, true));
    }

    @Test
    void violationStopsReadingFromTheChannel() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(bytes("\n"));
        assertTrue(!channel.config().isAutoRead());
    }

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new StrictLineDecoder(LIMIT, c -> false));
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private static List<Object> drain(EmbeddedChannel channel) {
        List<Object> out = new ArrayList<>();
        Object next;
        while ((next = channel.readInbound()) != null) {
            out.add(next);
        }
        return out;
    }

    private static List<String> lines(EmbeddedChannel channel) {
        return drain(channel).stream().map(StrictLineDecoderTest::text).toList();
    }

    private static String text(Object frame) {
        ByteBuf buf = (ByteBuf) frame;
        try {
            return buf.toString(StandardCharsets.ISO_8859_1);
        } finally {
            buf.release();
        }
    }
}
