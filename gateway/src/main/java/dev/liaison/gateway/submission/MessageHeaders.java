package dev.liaison.gateway.submission;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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
        return firstFrom(message).map(jakarta.mail.internet.InternetAddress::getPersonal)
                .map(String::strip).filter(n -> !n.isEmpty());
    }

    /**
     * The address of the first mailbox in {@code From}, as written, if it parses: which address the
     * mail client says the message is from. Only a claim: the router acts on it only where it names a
     * published address of the sender's own (docs/legacy.md, "Outbound").
     */
    static java.util.Optional<String> fromAddress(byte[] message) {
        return firstFrom(message).map(jakarta.mail.internet.InternetAddress::getAddress)
                .map(String::strip).filter(a -> !a.isEmpty());
    }

    /** The first mailbox of the first {@code From}, if the field parses. */
    private static java.util.Optional<jakarta.mail.internet.InternetAddress> firstFrom(byte[] message) {
        try {
            jakarta.mail.internet.InternetAddress[] addresses =
                    jakarta.mail.internet.InternetAddress.parseHeader(field(message, "from:"), false);
            return addresses.length == 0 ? java.util.Optional.empty() : java.util.Optional.of(addresses[0]);
        } catch (jakarta.mail.internet.AddressException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * The unfolded value of the first field named {@code nameWithColon} (lower case), trimmed;
     * empty if there is none. The header section ends at the first empty line; a body is never scanned.
     */
    private static String field(byte[] message, String nameWithColon) {
        List<String> values = new ArrayList<>(1);
        collect(message, nameWithColon, StandardCharsets.ISO_8859_1, values, 1);
        return values.isEmpty() ? "" : values.get(0);
    }

    /**
     * The unfolded values of every field named {@code name} (lower case, without the colon), in
     * order, trimmed and read as UTF-8 (RFC 6532). Jakarta Mail's {@code InternetHeaders} did this
     * for the Sent copy's recipients, and looked its stream provider up through the ServiceLoader for
     * every message it read: 5 % of a loaded sender's CPU (docs/benchmarks.md, 21st session).
     */
    static List<String> fields(byte[] message, String name) {
        List<String> values = new ArrayList<>(1);
        collect(message, name, StandardCharsets.UTF_8, values, Integer.MAX_VALUE);
        return values;
    }

    private static void collect(byte[] message, String name, Charset charset, List<String> values, int most) {
        String bare = name.endsWith(":") ? name.substring(0, name.length() - 1) : name;
        int lineStart = 0;
        while (lineStart < message.length && values.size() < most) {
            int lineEnd = endOfLine(message, lineStart);
            if (lineEnd == lineStart) {
                return; // empty line: end of the header section
            }
            int valueStart = valueStart(message, lineStart, lineEnd, bare);
            int next = skipLineBreak(message, lineEnd);
            if (valueStart >= 0) {
                StringBuilder value = new StringBuilder(new String(message, valueStart, lineEnd - valueStart, charset));
                while (next < message.length && (message[next] == ' ' || message[next] == '\t')) {
                    int end = endOfLine(message, next);
                    value.append(new String(message, next, end - next, charset));
                    next = skipLineBreak(message, end);
                }
                values.add(value.toString().trim());
            }
            lineStart = next;
        }
    }

    /** Where the value of field {@code name} begins on the line, or -1 if the line starts another field. */
    private static int valueStart(byte[] m, int lineStart, int lineEnd, String name) {
        if (!startsWithIgnoreCase(m, lineStart, name)) {
            return -1;
        }
        int i = lineStart + name.length();
        while (i < lineEnd && (m[i] == ' ' || m[i] == '\t')) {
            i++; // RFC 5322 §4.5: obsolete white space before the colon
        }
        return i < lineEnd && m[i] == ':' ? i + 1 : -1;
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
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.toLowerCase((char) (m[at + i] & 0xff)) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
