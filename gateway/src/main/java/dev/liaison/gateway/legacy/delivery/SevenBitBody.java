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
 * boundary is not found, a part already declared quoted-printable or base64. Such a message still
 * has 8-bit octets and is sent with {@code BODY=8BITMIME} where the server offers it, as before.
 */
final class SevenBitBody {

    /** Declared encodings whose body may be re-encoded: identity encodings (RFC 2045 §6.2). */
    private static final Set<String> IDENTITY = Set.of("7bit", "8bit", "binary");
    private static final String CTE = "content-transfer-encoding";

    private SevenBitBody() {
    }

    /**
     * {@code message} with every 8-bit body part encoded; the same array if it has no 8-bit octet.
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
        if (!fields.has("mime-version") && !fields.has("content-type")) {
            return nonMime(message, fields);
        }
        return entity(message, "text/plain");
    }

    /** One MIME entity (a message or a part): its header section, the empty line, its body. */
    private static byte[] entity(byte[] entity, String defaultType) {
        HeaderFields fields;
        try {
            fields = HeaderFields.parse(entity);
        } catch (MalformedMessageException e) {
            return entity; // not a part this gateway can read; it goes as it is
        }
        int bodyStart = fields.bodyStart();
        if (sevenBit(entity, bodyStart, entity.length)) {
            return entity;
        }
        byte[] body = Arrays.copyOfRange(entity, bodyStart, entity.length);
        ContentType type = contentType(entity, fields, defaultType);
        if (type == null && composite(value(entity, fields, "content-type"))) {
            return entity; // a multipart or message we cannot read: encoding it whole would hide its parts
        }
        if (type != null && type.match("multipart/*")) {
            String boundary = type.getParameter("boundary");
            byte[] converted = boundary == null ? body
                    : multipart(body, boundary, type.match("multipart/digest") ? "message/rfc822" : "text/plain");
            return identity(entity, fields, converted);
        }
        if (type != null && type.match("message/rfc822")) {
            byte[] converted;
            try {
                converted = of(body);
            } catch (MalformedMessageException e) {
                converted = body;
            }
            return identity(entity, fields, converted);
        }
        if (type != null && type.getPrimaryType().equalsIgnoreCase("message") && !type.match("message/global")) {
            return entity; // message/partial and external-body are 7bit only (RFC 2046 §5.2); nothing to convert to
        }
        String declared = encoding(entity, fields);
        if (declared != null && !IDENTITY.contains(declared)) {
            return entity; // already encoded (or an unknown encoding): encoding it again would change its content
        }
        String encoding = type == null || type.match("text/*") ? "quoted-printable" : "base64";
        return withEncoding(entity, fields, encoding, encode(body, encoding));
    }

    /** {@code body} of a multipart with each part between its delimiter lines converted in place. */
    private static byte[] multipart(byte[] body, String boundary, String defaultType) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + body.length / 2);
        int copied = 0;
        int partStart = -1; // after the delimiter line that opened the current part
        int at = 0;
        while (at < body.length) {
            int eol = lineEnd(body, at);
            int next = Math.min(eol + 2, body.length);
            Delimiter kind = delimiter(body, at, eol, delimiter);
            if (kind != Delimiter.NONE) {
                if (partStart >= 0 && at - 2 >= partStart) { // the CRLF before a delimiter belongs to it (RFC 2046 §5.1.1)
                    copied = replace(out, body, copied, partStart, at - 2, defaultType);
                }
                if (kind == Delimiter.CLOSE) {
                    partStart = -1;
                    break; // the epilogue follows, as it is
                }
                partStart = next;
            }
            at = next;
        }
        if (partStart >= 0) { // no close delimiter: the last part runs to the end, as readers take it
            copied = replace(out, body, copied, partStart, body.length, defaultType);
        }
        out.write(body, copied, body.length - copied);
        return out.toByteArray();
    }

    private static int replace(ByteArrayOutputStream out, byte[] body, int copied, int start, int end,
                               String defaultType) {
        out.write(body, copied, start - copied);
        out.writeBytes(entity(Arrays.copyOfRange(body, start, end), defaultType));
        return end;
    }

    private enum Delimiter { NONE, PART, CLOSE }

    private static Delimiter delimiter(byte[] body, int at, int eol, byte[] delimiter) {
        if (eol - at < delimiter.length || !Arrays.equals(body, at, at + delimiter.length, delimiter, 0, delimiter.length)) {
            return Delimiter.NONE;
        }
        int rest = at + delimiter.length;
        Delimiter kind = Delimiter.PART;
        if (rest + 1 < eol && body[rest] == '-' && body[rest + 1] == '-') {
            kind = Delimiter.CLOSE;
            rest += 2;
        }
        for (int i = rest; i < eol; i++) { // transport padding only (RFC 2046 §5.1.1)
            if (body[i] != ' ' && body[i] != '\t') {
                return Delimiter.NONE;
            }
        }
        return kind;
    }

    /** Offset of the CRLF ending the line at {@code from}, or the end of {@code m} (checked by {@link #checkLines}). */
    private static int lineEnd(byte[] m, int from) {
        for (int i = from; i + 1 < m.length; i++) {
            if (m[i] == '\r' && m[i + 1] == '\n') {
                return i;
            }
        }
        return m.length;
    }

    /**
     * A multipart or message/rfc822 entity around a converted body: its declared 8bit or binary
     * encoding becomes 7bit when nothing 8-bit is left (those types allow no other, RFC 2045 §6.4).
     */
    private static byte[] identity(byte[] entity, HeaderFields fields, byte[] body) {
        String declared = encoding(entity, fields);
        if (declared != null && !declared.equals("7bit") && sevenBit(body, 0, body.length)) {
            return withEncoding(entity, fields, "7bit", body);
        }
        return concat(entity, fields.bodyStart(), body);
    }

    /** The entity's header section with one {@code Content-Transfer-Encoding} field saying {@code encoding}, then {@code body}. */
    private static byte[] withEncoding(byte[] entity, HeaderFields fields, String encoding, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(fields.bodyStart() + body.length + 48);
        byte[] field = ("Content-Transfer-Encoding: " + encoding + "\r\n").getBytes(StandardCharsets.US_ASCII);
        boolean written = false;
        int headerEnd = 0;
        for (HeaderFields.Field f : fields.fields()) {
            if (!f.name().equals(CTE)) {
                out.write(entity, f.start(), f.end() - f.start());
            } else if (!written) {
                out.writeBytes(field);
                written = true;
            }
            headerEnd = f.end();
        }
        if (!written) {
            out.writeBytes(field);
        }
        out.write(entity, headerEnd, fields.bodyStart() - headerEnd); // the empty line (a body follows: it has 8-bit octets)
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** RFC 1428's conversion of a non-MIME 8-bit message: MIME text, its charset named where it can be. */
    private static byte[] nonMime(byte[] message, HeaderFields fields) {
        byte[] body = Arrays.copyOfRange(message, fields.bodyStart(), message.length);
        String charset = utf8(body) ? "utf-8" : "unknown-8bit";
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + message.length / 2);
        for (HeaderFields.Field f : fields.fields()) {
            if (!f.name().equals(CTE)) {
                out.write(message, f.start(), f.end() - f.start());
            }
        }
        out.writeBytes(("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=" + charset
                + "\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(encode(body, "quoted-printable"));
        return out.toByteArray();
    }

    private static ContentType contentType(byte[] entity, HeaderFields fields, String defaultType) {
        String value = value(entity, fields, "content-type");
        try {
            return new ContentType(value == null ? defaultType : value);
        } catch (ParseException e) {
            return null; // RFC 2045 §5.2: read as text/plain
        }
    }

    private static boolean composite(String contentType) {
        String type = contentType.strip().toLowerCase(Locale.ROOT);
        return type.startsWith("multipart") || type.startsWith("message");
    }

    private static String encoding(byte[] entity, HeaderFields fields) {
        String value = value(entity, fields, CTE);
        return value == null ? null : value.strip().toLowerCase(Locale.ROOT);
    }

    /** The first field named {@code name}, unfolded, without its name; octets as ISO-8859-1 so 8-bit ones survive. */
    private static String value(byte[] entity, HeaderFields fields, String name) {
        for (HeaderFields.Field f : fields.fields()) {
            if (f.name().equals(name)) {
                String field = new String(entity, f.start(), f.end() - f.start(), StandardCharsets.ISO_8859_1);
                return field.substring(field.indexOf(':') + 1).replace("\r\n", "");
            }
        }
        return null;
    }

    private static byte[] encode(byte[] body, String encoding) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length * 3 / 2 + 16);
        try (OutputStream encoder = MimeUtility.encode(out, encoding)) {
            encoder.write(body);
        } catch (MessagingException | IOException e) {
            throw new AssertionError(encoding + " is a known encoding, written to memory", e);
        }
        return out.toByteArray();
    }

    private static boolean utf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
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

    private static byte[] concat(byte[] entity, int bodyStart, byte[] body) {
        byte[] out = Arrays.copyOf(entity, bodyStart + body.length);
        System.arraycopy(body, 0, out, bodyStart, body.length);
        return out;
    }
}
