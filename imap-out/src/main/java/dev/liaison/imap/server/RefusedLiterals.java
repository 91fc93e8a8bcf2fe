package dev.liaison.imap.server;

import io.netty.buffer.ByteBuf;
import org.apache.james.imap.decode.DecodingException;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imap.message.Literal;

import java.io.Closeable;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads away the non-synchronizing literals ({@code {n+}}, RFC 7888) of a command that was
 * refused before its parser reached them. A client sends such a literal without waiting for the
 * server, so it is on its way whatever the answer. James answered the command from its first line
 * (APPEND before login, LOGIN once logged in, a malformed argument ahead of the literal) and then
 * decoded the literal's bytes as the next commands: before login the first unknown "command"
 * ended the connection, after it every line of the literal got a {@code BAD}, and a literal
 * holding command lines would have had them run. The command ends at the first line that does not
 * end with another {@code {m+}}; its final line feed is left to the decoder, as a parser does.
 */
final class RefusedLiterals {

    private static final Pattern NON_SYNCHRONIZING = Pattern.compile("\\{([^{}]*)\\+}\\r?$");
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    /** How a line announcing a non-synchronizing literal ends; its brace may be behind the parser already. */
    private static final Pattern NON_SYNCHRONIZING_END = Pattern.compile("\\+}\\r?$");

    private RefusedLiterals() {
    }

    /**
     * Consumes the rest of the line that announced {@code octets}, the literal, and every further
     * line and {@code {m+}} literal of the command.
     *
     * @return false if a later literal was too large to read here (the caller closes the connection)
     */
    static boolean skip(ImapRequestLineReader request, long octets) throws DecodingException, IOException {
        while (request.nextChar() != '\n') {
            request.consume();
        }
        request.consume();
        long pending = octets;
        while (pending >= 0) {
            if (pending > Limits.IN_MEMORY_LITERAL_OCTETS) {
                return false;
            }
            discard(request.read((int) pending, false));
            pending = continuation(request);
        }
        return true;
    }

    /**
     * Reads the command's line that follows a literal up to (not including) its line feed; if the
     * line ends with another {@code {m+}}, consumes the line feed too and returns m, else -1.
     */
    private static long continuation(ImapRequestLineReader request) throws DecodingException {
        StringBuilder line = new StringBuilder();
        while (request.nextChar() != '\n') {
            char c = request.consume();
            if (line.length() < Limits.LINE_OCTETS) {
                line.append(c);
            }
        }
        Matcher m = NON_SYNCHRONIZING.matcher(line);
        if (!m.find()) {
            return -1;
        }
        request.consume();
        // a size that is no number announces octets of unknown length: too large to read here
        return DIGITS.matcher(m.group(1)).matches() ? LiteralLimit.octets(m.group(1)) : Long.MAX_VALUE;
    }

    /**
     * Reads the rest of a refused command's current line from {@code buffer}, the reader's, up to
     * its line feed, which is left read but not consumed (as a parser leaves a command's last one,
     * for James's frame decoder). A line the parser has read to its end (its line feed just read)
     * is left as it is: what follows is the client's next line.
     *
     * @return whether the line ends with a non-synchronizing literal's announcement (of any size,
     *         or of none): its octets, on their way, cannot be told from commands
     * @throws org.apache.james.imapserver.netty.NettyImapRequestLineReader.NotEnoughDataException
     *         when the line has not arrived whole
     */
    static boolean skipLine(ImapRequestLineReader request, ByteBuf buffer) throws DecodingException {
        int read = buffer.readerIndex();
        if (read > 0 && buffer.getByte(read - 1) == '\n') {
            int end = read - 2 >= 0 && buffer.getByte(read - 2) == '\r' ? read - 3 : read - 2;
            return end >= 1 && buffer.getByte(end) == '}' && buffer.getByte(end - 1) == '+';
        }
        StringBuilder rest = new StringBuilder();
        while (request.nextChar() != '\n') {
            if (rest.length() >= Limits.LINE_OCTETS) {
                rest.delete(0, rest.length() / 2); // only the line's end matters
            }
            rest.append(request.consume());
        }
        return NON_SYNCHRONIZING_END.matcher(rest).find();
    }

    private static void discard(Literal literal) throws IOException {
        if (literal instanceof Closeable closeable) {
            closeable.close();
        }
    }
}
