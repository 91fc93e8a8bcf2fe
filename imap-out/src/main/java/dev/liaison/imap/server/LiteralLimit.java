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
    }

    private static final Pattern MARKER = Pattern.compile("\\{(\\d+)(\\+?)}\\r?\\n$");
    private static final Optional<Field> BUFFER = bufferField();

    private LiteralLimit() {
    }

    static Optional<Announced> announced(ImapRequestLineReader request) {
        if (BUFFER.isEmpty() || !(request instanceof NettyImapRequestLineReader)) {
            return Optional.empty();
        }
        try {
            ByteBuf buffer = (ByteBuf) BUFFER.get().get(request);
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
            OptionalLong octets = parse(m.group(1));
            return Optional.of(new Announced(octets.orElse(Long.MAX_VALUE), m.group(2).isEmpty(), end));
        } catch (IllegalAccessException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the decoder has not yet read past the end of the line that announced {@code literal}
     * (the literal itself is still unread).
     */
    static boolean unread(ImapRequestLineReader request, Announced literal) {
        if (BUFFER.isEmpty() || !(request instanceof NettyImapRequestLineReader)) {
            return false;
        }
        try {
            return ((ByteBuf) BUFFER.get().get(request)).readerIndex() <= literal.lineEnd() + 1;
        } catch (IllegalAccessException | RuntimeException e) {
            return false;
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
