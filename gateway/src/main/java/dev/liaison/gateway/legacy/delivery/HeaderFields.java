package dev.liaison.gateway.legacy.delivery;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The header fields of a raw RFC 5322 message, located by offset, and where its body starts.
 * Strict on purpose: a bare CR or LF, a NUL, a line over {@link Limits#MAX_LINE_OCTETS} or a line
 * that is neither a field nor a continuation is refused, because a signer and a verifier that
 * split such a message differently would disagree about what was signed.
 */
final class HeaderFields {

    /** One field: its lower-cased name, its first octet and the octet after its final CRLF. */
    record Field(String name, int start, int end) {
    }

    private final List<Field> fields;
    private final int bodyStart;

    private HeaderFields(List<Field> fields, int bodyStart) {
        this.fields = List.copyOf(fields);
        this.bodyStart = bodyStart;
    }

    static HeaderFields parse(byte[] message) throws MalformedMessageException {
        List<Field> fields = new ArrayList<>();
        int at = 0;
        while (at < message.length) {
            int eol = lineEnd(message, at, true);
            if (eol == at) {
                return new HeaderFields(fields, at + 2); // the empty line; the body follows it
            }
            if (message[at] == ' ' || message[at] == '\t') {
                if (fields.isEmpty()) {
                    throw new MalformedMessageException("the message starts with a continuation line");
                }
                Field last = fields.remove(fields.size() - 1);
                fields.add(new Field(last.name(), last.start(), eol + 2));
            } else {
                fields.add(new Field(name(message, at, eol), at, eol + 2));
            }
            at = eol + 2;
        }
        return new HeaderFields(fields, message.length); // header fields only, no body
    }

    List<Field> fields() {
        return fields;
    }

    int bodyStart() {
        return bodyStart;
    }

    boolean has(String lowerName) {
        return fields.stream().anyMatch(f -> f.name().equals(lowerName));
    }

    /**
     * Offset of the CR of the CRLF that ends the line starting at {@code from}. A last line
     * without CRLF is accepted only in the body ({@code header} false), where it ends at the end.
     */
    static int lineEnd(byte[] m, int from, boolean header) throws MalformedMessageException {
        for (int i = from; i < m.length; i++) {
            byte b = m[i];
            if (b == '\r' && i + 1 < m.length && m[i + 1] == '\n') {
                checkLength(i - from, from);
                return i;
            }
            if (b == '\r' || b == '\n') {
                throw new MalformedMessageException("bare " + (b == '\r' ? "CR" : "LF") + " at offset " + i
                        + "; every line must end in CRLF");
            }
            if (b == 0 && header) {
                throw new MalformedMessageException("NUL octet at offset " + i + " in the header section");
            }
        }
        if (header) {
            throw new MalformedMessageException("the header section ends at offset " + m.length
                    + " in the middle of a line; every header line must end in CRLF");
        }
        checkLength(m.length - from, from);
        return m.length;
    }

    private static void checkLength(int octets, int from) throws MalformedMessageException {
        if (octets > Limits.MAX_LINE_OCTETS) {
            throw new MalformedMessageException("line at offset " + from + " has " + octets + " octets; RFC 5322"
                    + " allows " + Limits.MAX_LINE_OCTETS + " before CRLF (encode long lines, e.g. quoted-printable)");
        }
    }

    private static String name(byte[] m, int start, int eol) throws MalformedMessageException {
        int colon = start;
        while (colon < eol && m[colon] != ':') {
            byte b = m[colon];
            // RFC 5322 §3.6.8 ftext, plus the WSP obsolete syntax allows before the colon
            if ((b < 33 || b > 126) && b != ' ' && b != '\t') {
                throw new MalformedMessageException("header line at offset " + start + " is not a field (octet "
                        + (b & 0xff) + " in its name)");
            }
            colon++;
        }
        String name = new String(m, start, colon - start, StandardCharsets.US_ASCII).strip();
        if (colon == eol || name.isEmpty() || name.contains(" ") || name.contains("\t")) {
            throw new MalformedMessageException("header line at offset " + start + " is not a field (name: colon)");
        }
        return name.toLowerCase(Locale.ROOT);
    }
}
