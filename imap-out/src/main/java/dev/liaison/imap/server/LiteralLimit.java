package dev.liaison.imap.server;

import io.netty.buffer.ByteBuf;
import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imapserver.netty.NettyImapRequestLineReader;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
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

    private static final Pattern SIZE = Pattern.compile("(\\d+)(\\+?)");
    private static final Optional<Field> BUFFER = bufferField();

    private LiteralLimit() {
    }

    /**
     * The largest literal {@code session} may send now: {@link Limits#MESSAGE_OCTETS} once logged
     * in, {@link Limits#UNAUTHENTICATED_LITERAL_OCTETS} before.
     */
    static long allowedOctets(ImapSession session) {
        return session.getState() == ImapSessionState.NON_AUTHENTICATED ? Limits.UNAUTHENTICATED_LITERAL_OCTETS
                : Limits.MESSAGE_OCTETS;
    }

    /** The literal announced at the end of the line being decoded, if one is. */
    static Optional<Announced> announced(ImapRequestLineReader request) {
        Optional<ByteBuf> read = buffer(request);
        if (read.isEmpty()) {
            return Optional.empty();
        }
        ByteBuf buffer = read.get();
        int end = buffer.indexOf(buffer.readerIndex(),
                buffer.readerIndex() + Math.min(buffer.readableBytes(), Limits.LINE_OCTETS), (byte) '\n');
        return end < 0 ? Optional.empty() : atLineEnd(buffer, buffer.readerIndex(), end);
    }

    /**
     * The literal announced at the end of the line from {@code from} to the line feed at {@code lf}.
     * Only a {@code {} outside quoted strings that starts the line's last token announces one
     * ({@code RENAME "{x" y}} announces nothing); what stands between the braces then is its size,
     * or no number ({@link Announced#MALFORMED}).
     */
    static Optional<Announced> atLineEnd(ByteBuf buffer, int from, int lf) {
        int close = lf > from && buffer.getByte(lf - 1) == '\r' ? lf - 2 : lf - 1;
        if (close < from || buffer.getByte(close) != '}') {
            return Optional.empty();
        }
        int open = lastOpeningBrace(buffer, from, close);
        if (open < 0) {
            return Optional.empty();
        }
        String inside = buffer.toString(open + 1, close - open - 1, StandardCharsets.US_ASCII);
        Matcher size = SIZE.matcher(inside);
        if (!size.matches()) {
            return Optional.of(new Announced(Announced.MALFORMED, !inside.endsWith("+"), lf));
        }
        return Optional.of(new Announced(octets(size.group(1)), size.group(2).isEmpty(), lf));
    }

    /**
     * Where the {@code {} before {@code close} is that starts a token outside quoted strings with
     * no brace between it and {@code close}, or -1.
     */
    private static int lastOpeningBrace(ByteBuf buffer, int from, int close) {
        int open = -1;
        boolean quoted = false;
        for (int i = from; i < close; i++) {
            byte b = buffer.getByte(i);
            if (quoted) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    quoted = false;
                }
            } else if (b == '"') {
                quoted = true;
                open = -1;
            } else if (b == '{') {
                open = i == from || buffer.getByte(i - 1) == ' ' || buffer.getByte(i - 1) == '(' ? i : -1;
            } else if (b == '}') {
                open = -1;
            }
        }
        return quoted ? -1 : open;
    }

    /**
     * A size's value: leading zeros are allowed (RFC 9051 §9: number = 1*DIGIT), a value too
     * large for a long is {@link Long#MAX_VALUE} (over every limit).
     */
    static long octets(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
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
