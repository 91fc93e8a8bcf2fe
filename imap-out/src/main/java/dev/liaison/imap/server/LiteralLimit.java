package dev.liaison.imap.server;

import io.netty.buffer.ByteBuf;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imapserver.netty.NettyImapRequestLineReader;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a literal announced at the end of the command line being decoded ({@code {n}} or
 * {@code {n+}}, RFC 3501 §4.3 / RFC 7888) before any of it is read. James checks the size only
 * when the literal is consumed, after it has sent the continuation; and for a literal over the
 * limit its decoder then waits for the rest of a line that never ends, buffering everything the
 * client sends. Looking first lets the command be refused before a byte of the literal arrives.
 * The same goes for a size that is no number ({@code {-5}}, {@code {}}): James offered the
 * continuation, then answered BAD and took the client's next command line for the rest of this one.
 *
 * <p>The line is read, not consumed, from the reader's buffer, which James keeps private
 * (reflection, once). Without it the check is skipped and James's own behaviour remains.
 */
final class LiteralLimit {

    /**
     * What the line announces at its end.
     *
     * @param lineEnd where the line's {@code \n} is in the reader's buffer
     */
    record Announced(long octets, boolean synchronizing, int lineEnd) {

        /** {@code octets} of a size that is no number (RFC 9051 §9: number, digits only). */
        static final long MALFORMED = -1;

        /** Whether the size between the braces is no number. */
        boolean malformed() {
            return octets == MALFORMED;
        }
    }

    /** A line ends with a literal's size in braces: nothing else may end it with a brace (RFC 9051 §9). */
    private static final Pattern MARKER = Pattern.compile("\\{([^{}\\r\\n]*)}\\r?\\n$");
    private static final Pattern SIZE = Pattern.compile("(\\d+)(\\+?)");
    private static final Optional<Field> BUFFER = bufferField();

    private LiteralLimit() {
    }

    static Optional<Announced> announced(ImapRequestLineReader request) {
        Optional<ByteBuf> read = buffer(request);
        if (read.isEmpty()) {
            return Optional.empty();
        }
        try {
            ByteBuf buffer = read.get();
            int end = buffer.indexOf(buffer.readerIndex(),
                    buffer.readerIndex() + Math.min(buffer.readableBytes(), Limits.LINE_OCTETS), (byte) '\n');
            if (end < 0) {
                return Optional.empty();
            }
            String line = buffer.toString(buffer.readerIndex(), end + 1 - buffer.readerIndex(), StandardCharsets.US_ASCII);
            Matcher m = MARKER.matcher(line);
            if (!m.find()) {
                return Optional.empty();
            }
            Matcher size = SIZE.matcher(m.group(1));
            if (!size.matches()) {
                boolean synchronizing = !m.group(1).endsWith("+");
                return Optional.of(new Announced(Announced.MALFORMED, synchronizing, end));
            }
            OptionalLong octets = parse(size.group(1));
            return Optional.of(new Announced(octets.orElse(Long.MAX_VALUE), size.group(2).isEmpty(), end));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the decoder has not yet read past the end of the line that announced {@code literal}
     * (the literal itself is still unread).
     */
    static boolean unread(ImapRequestLineReader request, Announced literal) {
        return buffer(request).map(buffer -> buffer.readerIndex() <= literal.lineEnd() + 1).orElse(false);
    }

    /**
     * The reader's buffer: what was received and is not decoded yet, from the command's first
     * octet (at the reader index when the decoding starts) to the last received (the writer index);
     * empty when the reader is not Netty's in-memory one.
     */
    static Optional<ByteBuf> buffer(ImapRequestLineReader request) {
        if (BUFFER.isEmpty() || !(request instanceof NettyImapRequestLineReader)) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable((ByteBuf) BUFFER.get().get(request));
        } catch (IllegalAccessException e) {
            return Optional.empty();
        }
    }

    private static OptionalLong parse(String digits) {
        try {
            return OptionalLong.of(Long.parseLong(digits));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static Optional<Field> bufferField() {
        try {
            Field field = NettyImapRequestLineReader.class.getDeclaredField("buffer");
            field.setAccessible(true);
            return Optional.of(field);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
