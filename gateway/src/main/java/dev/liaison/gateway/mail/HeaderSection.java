package dev.liaison.gateway.mail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The header section of a raw RFC 5322 message, split into fields by offset. Fields are copied
 * as their original bytes (folding included) and the rest of the message, from the empty line
 * on, is copied unread: a body is never decoded or re-encoded, so it passes byte-for-byte.
 *
 * <p>Strict where leniency is a hazard: a bare CR or LF, a NUL, or a line that is neither a field
 * nor a continuation is refused rather than guessed at, because two parsers guessing differently
 * is how header smuggling works (the lone-LF warning of netty's {@code LineBasedFrameDecoder}).
 */
final class HeaderSection {

    /** One field: its name as written, and where it starts, where its value starts and where it ends (after its CRLF). */
    record Field(String name, int start, int valueStart, int end) {

        boolean is(String fieldName) {
            return name.equalsIgnoreCase(fieldName);
        }

        String lowerName() {
            return name.toLowerCase(Locale.ROOT);
        }
    }

    private final byte[] message;
    private final List<Field> fields;
    private final int end;

    private HeaderSection(byte[] message, List<Field> fields, int end) {
        this.message = message;
        this.fields = List.copyOf(fields);
        this.end = end;
    }

    /** Splits {@code message}'s header section; the body is not looked at. */
    static HeaderSection parse(byte[] message) throws MalformedMailException {
        if (message.length == 0) {
            throw new MalformedMailException("message is empty; expected RFC 5322 header fields");
        }
        List<Field> fields = new ArrayList<>();
        int at = 0;
        while (at < message.length) {
            int lineEnd = lineEnd(message, at);
            if (lineEnd == at) {
                break; // the empty line: the header section ends here, the body follows
            }
            if (message[at] == ' ' || message[at] == '\t') {
                extendLast(fields, at, lineEnd + 2);
            } else {
                fields.add(startField(message, at, lineEnd + 2));
                checkCount(fields);
            }
            at = lineEnd + 2;
        }
        return new HeaderSection(message, fields, at);
    }

    List<Field> fields() {
        return fields;
    }

    /** The field's value with folding removed (RFC 5322 §2.2.3), octets as ISO-8859-1 characters. */
    String value(Field field) {
        StringBuilder value = new StringBuilder(field.end() - field.valueStart());
        for (int i = field.valueStart(); i < field.end(); i++) {
            byte b = message[i];
            if (b != '\r' && b != '\n') {
                value.append((char) (b & 0xff));
            }
        }
        return value.toString();
    }

    /**
     * The field's value with folding removed, read as UTF-8 (RFC 6532: raw 8-bit header text is
     * UTF-8; the MX takes no other); octets that are not UTF-8 (a local user's script writing
     * Latin-1 through submission) are read one char per octet, as {@link #value} does.
     */
    String text(Field field) {
        String octets = value(field);
        if (octets.chars().allMatch(c -> c < 0x80)) {
            return octets;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(octets.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (CharacterCodingException notUtf8) {
            return octets;
        }
    }

    /** Writes the field exactly as it was written, continuation lines and final CRLF included. */
    void copy(Field field, ByteArrayOutputStream out) {
        out.write(message, field.start(), field.end() - field.start());
    }

    /** Offset of the empty line that ends the header section (the message's length without one). */
    int bodyStart() {
        return end;
    }

    /** Writes the empty line and the body (everything after the last field) unchanged. */
    void copyRest(ByteArrayOutputStream out) {
        out.write(message, end, message.length - end);
    }

    /** The size of the output buffers worth presizing: the message plus room for a few fields. */
    int sizeHint() {
        return message.length + 512;
    }

    /** Offset of the CR of the CRLF ending the line at {@code from}; refuses bare CR/LF and NUL. */
    private static int lineEnd(byte[] m, int from) throws MalformedMailException {
        int limit = Math.min(m.length, MailLimits.MAX_HEADER_SECTION_BYTES);
        for (int i = from; i < limit; i++) {
            byte b = m[i];
            if (b == '\r') {
                if (i + 1 < m.length && m[i + 1] == '\n') {
                    checkSectionSize(i + 2);
                    return i;
                }
                throw new MalformedMailException("bare CR at offset " + i + " in the header section; lines must end in CRLF");
            }
            if (b == '\n') {
                throw new MalformedMailException("bare LF at offset " + i + " in the header section; lines must end in CRLF");
            }
            if (b == 0) {
                throw new MalformedMailException("NUL octet at offset " + i + " in the header section");
            }
        }
        if (limit < m.length) {
            checkSectionSize(m.length);
        }
        throw new MalformedMailException("header section ends at offset " + m.length
                + " in the middle of a line; every header line must end in CRLF");
    }

    private static void checkSectionSize(int size) throws MalformedMailException {
        if (size > MailLimits.MAX_HEADER_SECTION_BYTES) {
            throw new MalformedMailException("header section is over the limit of " + MailLimits.MAX_HEADER_SECTION_BYTES
                    + " octets");
        }
    }

    /** RFC 5322 §2.2: a name of printable ASCII except ':', then ':' (obsolete syntax: WSP before it). */
    private static Field startField(byte[] m, int start, int end) throws MalformedMailException {
        int i = start;
        while (i < end && m[i] >= 33 && m[i] <= 126 && m[i] != ':') {
            i++;
        }
        int nameEnd = i;
        while (i < end && (m[i] == ' ' || m[i] == '\t')) {
            i++;
        }
        if (nameEnd == start || m[i] != ':') {
            throw new MalformedMailException("line at offset " + start + " is neither a header field (name, then ':')"
                    + " nor a continuation line, and no empty line ends the header section before it");
        }
        String name = new String(m, start, nameEnd - start, StandardCharsets.US_ASCII);
        return checkSize(new Field(name, start, i + 1, end));
    }

    private static void extendLast(List<Field> fields, int lineStart, int end) throws MalformedMailException {
        if (fields.isEmpty()) {
            throw new MalformedMailException("message starts with a continuation line (offset " + lineStart
                    + "); a header field must come first");
        }
        Field last = fields.remove(fields.size() - 1);
        fields.add(checkSize(new Field(last.name(), last.start(), last.valueStart(), end)));
    }

    private static Field checkSize(Field field) throws MalformedMailException {
        int size = field.end() - field.start();
        if (size > MailLimits.MAX_FIELD_BYTES) {
            throw new MalformedMailException("header field " + field.name() + " at offset " + field.start() + " is over "
                    + MailLimits.MAX_FIELD_BYTES + " octets with its continuation lines");
        }
        return field;
    }

    private static void checkCount(List<Field> fields) throws MalformedMailException {
        if (fields.size() > MailLimits.MAX_HEADER_FIELDS) {
            throw new MalformedMailException("more than " + MailLimits.MAX_HEADER_FIELDS + " header fields (field "
                    + fields.get(fields.size() - 1).name() + " at offset " + fields.get(fields.size() - 1).start() + ")");
        }
    }
}
