package dev.liaison.imap.server;

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

    private static void discard(Literal literal) throws IOException {
        if (literal instanceof Closeable closeable) {
            closeable.close();
        }
    }
}
