package dev.liaison.gateway.submission;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Reads single header fields from an RFC 5322 message without parsing the whole of it. */
final class MessageHeaders {

    private MessageHeaders() {
    }

    /** The unfolded value of the first {@code Message-ID} field, trimmed; empty if there is none. */
    static String messageId(byte[] message) {
        return field(message, "message-id:");
    }

    /** The display name of the first address in {@code From}, decoded (RFC 2047), if it has one. */
    static java.util.Optional<String> fromDisplayName(byte[] message) {
        String from = field(message, "from:");
        try {
            jakarta.mail.internet.InternetAddress[] addresses = jakarta.mail.internet.InternetAddress.parseHeader(from, false);
            return addresses.length == 0 ? java.util.Optional.empty()
                    : java.util.Optional.ofNullable(addresses[0].getPersonal()).map(String::strip).filter(n -> !n.isEmpty());
        } catch (jakarta.mail.internet.AddressException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * The unfolded value of the first field named {@code nameWithColon} (lower case), trimmed;
     * empty if there is none. The header section ends at the first empty line; a body is never scanned.
     */
    private static String field(byte[] message, String nameWithColon) {
        int lineStart = 0;
        while (lineStart < message.length) {
            int lineEnd = endOfLine(message, lineStart);
            if (lineEnd == lineStart) {
                return ""; // empty line: end of the header section
            }
            if (startsWithIgnoreCase(message, lineStart, nameWithColon)) {
                StringBuilder value = new StringBuilder(ascii(message, lineStart + nameWithColon.length(), lineEnd));
                int next = skipLineBreak(message, lineEnd);
                while (next < message.length && (message[next] == ' ' || message[next] == '\t')) {
                    int end = endOfLine(message, next);
                    value.append(ascii(message, next, end));
                    next = skipLineBreak(message, end);
                }
                return value.toString().trim();
            }
            lineStart = skipLineBreak(message, lineEnd);
        }
        return "";
    }

    static int endOfLine(byte[] m, int from) {
        int i = from;
        while (i < m.length && m[i] != '\r' && m[i] != '\n') {
            i++;
        }
        return i;
    }

    static int skipLineBreak(byte[] m, int at) {
        if (at < m.length && m[at] == '\r') {
            at++;
        }
        return at < m.length && m[at] == '\n' ? at + 1 : at;
    }

    static boolean startsWithIgnoreCase(byte[] m, int at, String prefix) {
        if (at + prefix.length() > m.length) {
            return false;
        }
        String head = new String(m, at, prefix.length(), StandardCharsets.ISO_8859_1);
        return head.toLowerCase(Locale.ROOT).equals(prefix);
    }

    private static String ascii(byte[] m, int from, int to) {
        return new String(m, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
