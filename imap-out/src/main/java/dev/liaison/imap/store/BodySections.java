package dev.liaison.imap.store;

import dev.liaison.imap.server.Limits;
import org.apache.james.mailbox.model.Header;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.field.ContentTypeFieldLenientImpl;
import org.apache.james.mime4j.stream.RawField;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the entity a FETCH section's part number names, in the message's own bytes, by the
 * rules of RFC 3501 §6.4.5 / RFC 9051 §6.4.5:
 * <ul>
 *   <li>the parts of a multipart are numbered from 1;</li>
 *   <li>a message (the top-level one, or one encapsulated in a {@code message/rfc822} part) whose
 *       body is not a multipart has exactly one part, 1, which is that message's body;</li>
 *   <li>the part numbers after a {@code message/rfc822} part number the encapsulated message's
 *       parts, so {@code 1.1} of a message whose body is an attached message is that attached
 *       message's (first) body part.</li>
 * </ul>
 * James's {@code PartContentBuilder} walked mime4j's token stream instead and lost its way when a
 * {@code message/rfc822} entity was not inside a multipart: {@code BODY[1]} came back as the inner
 * body, {@code BODY[1.HEADER]}, {@code BODY[1.TEXT]} and {@code BODY[1.1]} empty.
 *
 * <p>A part that does not exist is empty (RFC 3501 gives it no error; Dovecot and James answer
 * the empty string). Each step scans only inside the entity found by the step before, and the
 * path is cut at {@link Limits#SECTION_PART_DEPTH}.
 */
final class BodySections {

    private BodySections() {
    }

    /** One MIME entity: its header is {@code [start, bodyStart)}, its body {@code [bodyStart, end)}. */
    record Entity(byte[] message, int start, int bodyStart, int end, String type, String subtype,
                  Optional<String> boundary) {

        boolean isMultipart() {
            return type.equals("multipart") && boundary.isPresent();
        }

        /** RFC 6532's {@code message/global} encapsulates a message just as {@code message/rfc822} does. */
        boolean encapsulatesMessage() {
            return type.equals("message") && (subtype.equals("rfc822") || subtype.equals("global"));
        }

        byte[] body() {
            return java.util.Arrays.copyOfRange(message, bodyStart, end);
        }

        /** The header's fields, folding kept, as James's FETCH writes them back ({@code name: value}). */
        List<Header> fields() {
            List<Header> fields = new ArrayList<>();
            String header = new String(message, start, bodyStart - start, StandardCharsets.ISO_8859_1);
            StringBuilder field = new StringBuilder();
            for (String line : header.split("\r?\n", -1)) {
                if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && field.length() > 0) {
                    field.append("\r\n").append(line);
                    continue;
                }
                addField(fields, field);
                field.setLength(0);
                field.append(line);
            }
            addField(fields, field);
            return fields;
        }

        /** The message a {@code message/rfc822} entity's body holds. */
        Entity encapsulated() {
            return parse(message, bodyStart, end, false);
        }
    }

    private static void addField(List<Header> fields, StringBuilder field) {
        int colon = field.indexOf(":");
        if (colon > 0) {
            int value = colon + 1 < field.length() && field.charAt(colon + 1) == ' ' ? colon + 2 : colon + 1;
            fields.add(new Header(field.substring(0, colon), field.substring(value)));
        }
    }

    /** The top-level message. */
    static Entity message(byte[] message) {
        return parse(message, 0, message.length, false);
    }

    /** The entity {@code path} names, or empty if there is none. */
    static Optional<Entity> find(byte[] message, int[] path) {
        if (path.length == 0 || path.length > Limits.SECTION_PART_DEPTH) {
            return Optional.empty();
        }
        Optional<Entity> found = child(message(message), path[0], true);
        for (int i = 1; i < path.length && found.isPresent(); i++) {
            found = child(found.get(), path[i], false);
        }
        return found;
    }

    /**
     * Part {@code n} under {@code entity}; {@code isMessage} when the entity is a message (the
     * top-level one or an encapsulated one) rather than a body part.
     */
    private static Optional<Entity> child(Entity entity, int n, boolean isMessage) {
        if (entity.isMultipart()) {
            return part(entity, n);
        }
        if (isMessage) {
            return n == 1 ? Optional.of(entity) : Optional.empty();
        }
        if (entity.encapsulatesMessage()) {
            return child(entity.encapsulated(), n, true);
        }
        return Optional.empty();
    }

    /** The {@code n}th body part of a multipart. */
    private static Optional<Entity> part(Entity multipart, int n) {
        List<Entity> parts = parts(multipart, n, false);
        return parts.size() == n ? Optional.of(parts.get(n - 1)) : Optional.empty();
    }

    /**
     * The first {@code most} body parts of a multipart, found in one scan of its body (RFC 2046
     * §5.1.1: the CRLF before a delimiter belongs to it; a part the close delimiter never ends
     * runs to the end of the multipart). {@code asMime4j}: a line that begins with a delimiter is
     * one, whatever follows it, as mime4j reads it ({@code --b1} ends a {@code b1} part at
     * {@code --b10}); {@link MimeNesting} sees the tree mime4j will.
     */
    static List<Entity> parts(Entity multipart, int most, boolean asMime4j) {
        byte[] dash = ("--" + multipart.boundary().orElseThrow()).getBytes(StandardCharsets.ISO_8859_1);
        boolean digest = multipart.subtype().equals("digest");
        byte[] m = multipart.message();
        List<Entity> parts = new ArrayList<>();
        int partStart = -1;
        for (int line = multipart.bodyStart(); line < multipart.end() && parts.size() < most;
             line = nextLine(m, line, multipart.end())) {
            int kind = delimiter(m, line, multipart.end(), dash, asMime4j);
            if (kind == 0) {
                continue;
            }
            if (partStart >= 0) {
                parts.add(parse(m, partStart, lineBreakBefore(m, line, partStart), digest));
            }
            if (kind == 2) {
                return parts;
            }
            partStart = nextLine(m, line, multipart.end());
        }
        if (partStart >= 0 && parts.size() < most) {
            parts.add(parse(m, partStart, multipart.end(), digest));
        }
        return parts;
    }

    /** 1 for a delimiter line, 2 for the close delimiter, 0 for any other line. */
    private static int delimiter(byte[] m, int line, int end, byte[] dash, boolean asMime4j) {
        if (line + dash.length > end) {
            return 0;
        }
        for (int i = 0; i < dash.length; i++) {
            if (m[line + i] != dash[i]) {
                return 0;
            }
        }
        int i = line + dash.length;
        int kind = 1;
        if (i + 1 < end && m[i] == '-' && m[i + 1] == '-') {
            kind = 2;
            i += 2;
        }
        if (asMime4j) {
            return kind;
        }
        while (i < end && (m[i] == ' ' || m[i] == '\t')) { // transport padding, RFC 2046 §5.1.1
            i++;
        }
        return i == end || m[i] == '\n' || (m[i] == '\r' && i + 1 < end && m[i + 1] == '\n') ? kind : 0;
    }

    static int nextLine(byte[] m, int from, int end) {
        for (int i = from; i < end; i++) {
            if (m[i] == '\n') {
                return i + 1;
            }
        }
        return end;
    }

    private static int lineBreakBefore(byte[] m, int line, int floor) {
        int end = line;
        if (end > floor && m[end - 1] == '\n') {
            end--;
            if (end > floor && m[end - 1] == '\r') {
                end--;
            }
        }
        return end;
    }

    /** The entity in {@code [start, end)}; its type defaults as RFC 2045 §5.2 and RFC 2046 §5.1.5 say. */
    private static Entity parse(byte[] m, int start, int end, boolean inDigest) {
        int bodyStart = end;
        String contentType = null;
        for (int line = start; line < end; ) {
            int next = nextLine(m, line, end);
            if (isBlank(m, line, next)) {
                bodyStart = next;
                break;
            }
            if (startsWithIgnoreCase(m, line, next, "content-type:")) {
                contentType = unfolded(m, line, end);
            }
            line = next;
        }
        String type = inDigest ? "message" : "text";
        String subtype = inDigest ? "rfc822" : "plain";
        Optional<String> boundary = Optional.empty();
        if (contentType != null) {
            ContentTypeField field = ContentTypeFieldLenientImpl.PARSER.parse(
                    new RawField("Content-Type", contentType), DecodeMonitor.SILENT);
            if (field.getMediaType() != null && !field.getMediaType().isEmpty()) {
                type = field.getMediaType().toLowerCase(Locale.ROOT);
                subtype = field.getSubType() == null ? "" : field.getSubType().toLowerCase(Locale.ROOT);
                boundary = Optional.ofNullable(field.getBoundary()).filter(b -> !b.isEmpty());
            }
        }
        return new Entity(m, start, bodyStart, end, type, subtype, boundary);
    }

    private static boolean isBlank(byte[] m, int line, int next) {
        int length = next - line;
        return (length == 1 && m[line] == '\n') || (length == 2 && m[line] == '\r' && m[line + 1] == '\n');
    }

    static boolean startsWithIgnoreCase(byte[] m, int from, int to, String prefix) {
        if (to - from < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.toLowerCase((char) m[from + i]) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The value of the field starting at {@code line}, continuation lines joined. */
    private static String unfolded(byte[] m, int line, int end) {
        int colon = line;
        while (m[colon] != ':') {
            colon++;
        }
        StringBuilder value = new StringBuilder();
        int from = colon + 1;
        int next = nextLine(m, line, end);
        while (true) {
            value.append(new String(m, from, next - from, StandardCharsets.ISO_8859_1).strip()).append(' ');
            if (next >= end || (m[next] != ' ' && m[next] != '\t')) {
                return value.toString().strip();
            }
            from = next;
            next = nextLine(m, next, end);
        }
    }
}
