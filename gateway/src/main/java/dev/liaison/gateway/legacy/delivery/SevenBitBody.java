package dev.liaison.gateway.legacy.delivery;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A message's 8-bit body parts re-encoded for 7-bit transport, before it is signed. A server that
 * does not offer 8BITMIME must not get 8-bit octets (RFC 6152 §3), and the message cannot be
 * converted at delivery time without breaking its DKIM signature, so it is converted here, as RFC
 * 6376 §5.3 asks of signers.
 *
 * <ul>
 *   <li>A leaf part (or single-part message) whose body has 8-bit octets and is declared {@code 7bit},
 *       {@code 8bit}, {@code binary} or nothing: {@code text/*} (and a {@code Content-Type} that
 *       does not parse, which RFC 2045 §5.2 reads as text) becomes quoted-printable, anything else
 *       base64, with jakarta-mail's encoders. Decoded, the content is the same octets.</li>
 *   <li>{@code multipart/*}: each part in turn; boundaries, preamble, epilogue and nesting stay as
 *       they are. {@code message/rfc822}, which may not be encoded (RFC 2046 §5.2.1): the
 *       encapsulated message in turn.</li>
 *   <li>A non-MIME message (neither {@code MIME-Version} nor {@code Content-Type}) with an 8-bit
 *       body gets {@code MIME-Version: 1.0} and {@code Content-Type: text/plain} with {@code
 *       charset=utf-8} if the body is valid UTF-8, else {@code charset=unknown-8bit} (RFC 1428, the
 *       label for 8-bit text of unknown charset), and is quoted-printable.</li>
 * </ul>
 *
 * <p>Left as they are: a message with no 8-bit octet (most mail: byte for byte), header fields
 * (the submission refuses 8-bit header text for plain email; a part's own 8-bit header text has
 * no 7-bit form that keeps it identical), 8-bit text in a preamble or epilogue, a multipart whose
 * boundary is not found, a part already declared quoted-printable or base64, an entity nested
 * deeper than {@link Limits#MAX_CONVERTED_MIME_DEPTH}. Such a message still has 8-bit octets and is
 * sent with {@code BODY=8BITMIME} where the server offers it, as before.
 *
 * <p>The message is read in place, by offsets, and each entity written once into the output: no
 * copy of a subtree per level of nesting.
 */
final class SevenBitBody {

    /** Declared encodings whose body may be re-encoded: identity encodings (RFC 2045 §6.2). */
    private static final Set<String> IDENTITY = Set.of("7bit", "8bit", "binary");
    private static final String CTE = "content-transfer-encoding";

    /** An entity's header section (with the empty line after it, copied out) and where its body starts in the message. */
    private record Head(byte[] octets, HeaderFields fields, int bodyStart) {
    }

    private SevenBitBody() {
    }

    /**
     * {@code message} with every 8-bit body part encoded; the same array if its body has no 8-bit octet.
     *
     * @throws MalformedMessageException a bare CR or LF or an over-long line (as signing would refuse it)
     */
    static byte[] of(byte[] message) throws MalformedMessageException {
        if (sevenBit(message, 0, message.length)) {
            return message;
        }
        HeaderFields fields = HeaderFields.parse(message);
        if (sevenBit(message, fields.bodyStart(), message.length)) {
            return message; // 8-bit header text only: not the body's to fix (LegacyOutbound refuses it)
        }
        checkLines(message, fields.bodyStart());
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + message.length / 2);
        entity(message, 0, message.length, "text/plain", true, 0, out);
        return out.toByteArray();
    }

    /**
     * Writes the MIME entity {@code m[start, end)} (a message or a part: header section, empty
     * line, body) to {@code out}, converted.
     *
     * @param message whether it is a message (top level or message/rfc822), which may be non-MIME
     */
    private static void entity(byte[] m, int start, int end, String defaultType, boolean message, int depth,
                               ByteArrayOutputStream out) {
        Head head = head(m, start, end);
        if (head == null || sevenBit(m, head.bodyStart(), end) || depth > Limits.MAX_CONVERTED_MIME_DEPTH) {
            out.write(m, start, end - start); // nothing to convert, or not an entity this gateway can read
            return;
        }
        if (message && !head.fields().has("mime-version") && !head.fields().has("content-type")) {
            nonMime(m, head, end, out);
            return;
        }
        String contentType = value(head, "content-type");
        ContentType type = parse(contentType == null ? defaultType : contentType);
        String declared = encoding(head);
        if (type == null && composite(contentType)) {
            out.write(m, start, end - start); // a multipart or message we cannot read: encoding it whole would hide its parts
        } else if (type != null && (type.match("multipart/signed") || type.match("multipart/encrypted"))) {
            out.write(m, start, end - start); // RFC 1847 §2.1: signed content must not change, or the signature fails
        } else if (type != null && (type.match("multipart/*") || type.match("message/rfc822"))
                && declared != null && !IDENTITY.contains(declared)) {
            out.write(m, start, end - start); // encoded although RFC 2046 forbids it: readers decode it, so leave it
        } else if (type != null && type.match("multipart/*") && type.getParameter("boundary") != null) {
            Buffer body = new Buffer(end - head.bodyStart());
            multipart(m, head.bodyStart(), end, type.getParameter("boundary"),
                    type.match("multipart/digest") ? "message/rfc822" : "text/plain", depth, body);
            identity(head, body, out);
        } else if (type != null && type.match("message/rfc822")) {
            Buffer body = new Buffer(end - head.bodyStart());
            entity(m, head.bodyStart(), end, "text/plain", true, depth + 1, body);
            identity(head, body, out);
        } else if (type != null && (type.match("multipart/*")
                || (type.getPrimaryType().equalsIgnoreCase("message") && !type.match("message/global")))) {
            // a multipart without a boundary; message/partial and external-body are 7bit only (RFC 2046 §5.2)
            out.write(m, start, end - start);
        } else if (!IDENTITY.contains(Objects.requireNonNullElse(declared, "7bit"))) {
            out.write(m, start, end - start); // already encoded (or unknown): encoding it again would change it
        } else {
            boolean text = type == null || type.match("text/*");
            String encoding = text && !mostlyEightBit(m, head.bodyStart(), end) ? "quoted-printable" : "base64";
            writeHead(head, encoding, out);
            encode(m, head.bodyStart(), end, encoding, out);
        }
    }

    /** Writes the multipart body {@code m[start, end)}, each part between its delimiter lines converted. */
    private static void multipart(byte[] m, int start, int end, String boundary, String defaultType, int depth,
                                  ByteArrayOutputStream out) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int copied = start;
        int partStart = -1; // after the delimiter line that opened the current part
        int at = start;
        while (at < end) {
            int eol = lineEnd(m, at, end);
            int next = Math.min(eol + 2, end);
            Delimiter kind = delimiter(m, at, eol, delimiter);
            if (kind != Delimiter.NONE) {
                if (partStart >= 0 && at - 2 >= partStart) { // the CRLF before a delimiter belongs to it (RFC 2046 §5.1.1)
                    out.write(m, copied, partStart - copied);
                    entity(m, partStart, at - 2, defaultType, false, depth + 1, out);
                    copied = at - 2;
                }
                if (kind == Delimiter.CLOSE) {
                    partStart = -1;
                    break; // the epilogue follows, as it is
                }
                partStart = next;
            }
            at = next;
        }
        if (partStart >= 0 && partStart < end) { // no close delimiter: the last part runs to the end, as readers take it
            out.write(m, copied, partStart - copied);
            entity(m, partStart, end, defaultType, false, depth + 1, out);
            copied = end;
        }
        out.write(m, copied, end - copied);
    }

    private enum Delimiter { NONE, PART, CLOSE }

    private static Delimiter delimiter(byte[] m, int at, int eol, byte[] delimiter) {
        if (eol - at < delimiter.length || !Arrays.equals(m, at, at + delimiter.length, delimiter, 0, delimiter.length)) {
            return Delimiter.NONE;
        }
        int rest = at + delimiter.length;
        Delimiter kind = Delimiter.PART;
        if (rest + 1 < eol && m[rest] == '-' && m[rest + 1] == '-') {
            kind = Delimiter.CLOSE;
            rest += 2;
        }
        for (int i = rest; i < eol; i++) { // transport padding only (RFC 2046 §5.1.1)
            if (m[i] != ' ' && m[i] != '\t') {
                return Delimiter.NONE;
            }
        }
        return kind;
    }

    /** Offset of the CRLF ending the line at {@code from}, or {@code end} (lines were checked by {@link #checkLines}). */
    private static int lineEnd(byte[] m, int from, int end) {
        for (int i = from; i + 1 < end; i++) {
            if (m[i] == '\r' && m[i + 1] == '\n') {
                return i;
            }
        }
        return end;
    }

    /** The header section of the entity {@code m[start, end)}; null if it has no empty line or is not header fields. */
    private static Head head(byte[] m, int start, int end) {
        int at = start;
        while (at < end) {
            int eol = lineEnd(m, at, end);
            if (eol == end) {
                return null; // no empty line: no body either
            }
            if (eol == at) {
                byte[] octets = Arrays.copyOfRange(m, start, eol + 2);
                try {
                    return new Head(octets, HeaderFields.parse(octets), eol + 2);
                } catch (MalformedMessageException e) {
                    return null;
                }
            }
            at = eol + 2;
        }
        return null;
    }

    /**
     * A multipart or message/rfc822 entity around its converted body: a declared 8bit or binary
     * encoding becomes 7bit when nothing 8-bit is left (those types allow no other, RFC 2045 §6.4).
     */
    private static void identity(Head head, Buffer body, ByteArrayOutputStream out) {
        String declared = encoding(head);
        if (declared != null && IDENTITY.contains(declared) && !declared.equals("7bit") && body.sevenBit()) {
            writeHead(head, "7bit", out);
        } else {
            out.writeBytes(head.octets());
        }
        body.copyTo(out);
    }

    /** The entity's header section with one {@code Content-Transfer-Encoding} field saying {@code encoding}. */
    private static void writeHead(Head head, String encoding, ByteArrayOutputStream out) {
        byte[] field = ("Content-Transfer-Encoding: " + encoding + "\r\n").getBytes(StandardCharsets.US_ASCII);
        boolean written = false;
        for (HeaderFields.Field f : head.fields().fields()) {
            if (!f.name().equals(CTE)) {
                out.write(head.octets(), f.start(), f.end() - f.start());
            } else if (!written) {
                out.writeBytes(field);
                written = true;
            }
        }
        if (!written) {
            out.writeBytes(field);
        }
        out.writeBytes(new byte[]{'\r', '\n'}); // the empty line
    }

    /** RFC 1428's conversion of a non-MIME 8-bit message: MIME text, its charset named where it can be. */
    private static void nonMime(byte[] m, Head head, int end, ByteArrayOutputStream out) {
        String charset = utf8(m, head.bodyStart(), end) ? "utf-8" : "unknown-8bit";
        for (HeaderFields.Field f : head.fields().fields()) {
            if (!f.name().equals(CTE)) {
                out.write(head.octets(), f.start(), f.end() - f.start());
            }
        }
        out.writeBytes(("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=" + charset
                + "\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        encode(m, head.bodyStart(), end, "quoted-printable", out);
    }

    private static ContentType parse(String contentType) {
        try {
            return new ContentType(contentType);
        } catch (ParseException e) {
            return null; // RFC 2045 §5.2: read as text/plain
        }
    }

    private static boolean composite(String contentType) {
        String type = contentType.strip().toLowerCase(Locale.ROOT);
        return type.startsWith("multipart") || type.startsWith("message");
    }

    /** The declared encoding, lower-cased, without RFC 822 comments ({@code 8bit (from Outlook)}). */
    private static String encoding(Head head) {
        String value = value(head, CTE);
        return value == null ? null : value.replaceAll("\\([^()]*\\)", "").strip().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether more than a third of the octets are 8-bit: quoted-printable writes each as three
     * characters, base64 every three octets as four, so text that is mostly non-Latin (Cyrillic,
     * Greek, CJK in UTF-8) would nearly triple in quoted-printable and only grow by a third in
     * base64. Below that, quoted-printable keeps the text readable at less than twice its size.
     */
    private static boolean mostlyEightBit(byte[] m, int from, int to) {
        int eightBit = 0;
        for (int i = from; i < to; i++) {
            if (m[i] < 0) {
                eightBit++;
            }
        }
        return eightBit > (to - from) / 3;
    }

    /** The first field named {@code name}, unfolded, without its name; octets as ISO-8859-1 so 8-bit ones survive. */
    private static String value(Head head, String name) {
        for (HeaderFields.Field f : head.fields().fields()) {
            if (f.name().equals(name)) {
                String field = new String(head.octets(), f.start(), f.end() - f.start(), StandardCharsets.ISO_8859_1);
                return field.substring(field.indexOf(':') + 1).replace("\r\n", "");
            }
        }
        return null;
    }

    private static void encode(byte[] m, int start, int end, String encoding, ByteArrayOutputStream out) {
        try (OutputStream encoder = MimeUtility.encode(out, encoding)) { // closing it writes its last line
            encoder.write(m, start, end - start);
        } catch (MessagingException | IOException e) {
            throw new AssertionError(encoding + " is a known encoding, written to memory", e);
        }
    }

    /**
     * A composite entity's converted body, checked for 8-bit octets without copying it. It starts
     * small and grows: the levels of a deep message hold one each at once, and a buffer of its
     * subtree's size at every level would hold the message many times over.
     */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer(int subtree) {
            super(Math.min(subtree + 1024, 64 * 1024));
        }

        boolean sevenBit() {
            return SevenBitBody.sevenBit(buf, 0, count);
        }

        void copyTo(ByteArrayOutputStream out) {
            out.write(buf, 0, count);
        }
    }

    private static boolean utf8(byte[] m, int start, int end) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(m, start, end - start));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** The body's lines, as signing checks them: an encoded bare CR or LF would no longer be refused. */
    private static void checkLines(byte[] message, int bodyStart) throws MalformedMessageException {
        int at = bodyStart;
        while (at < message.length) {
            at = HeaderFields.lineEnd(message, at, false) + 2; // throws on a bare CR or LF, a line over 998 octets
        }
    }

    private static boolean sevenBit(byte[] m, int from, int to) {
        for (int i = from; i < to; i++) {
            if (m[i] < 0) {
                return false;
            }
        }
        return true;
    }
}
