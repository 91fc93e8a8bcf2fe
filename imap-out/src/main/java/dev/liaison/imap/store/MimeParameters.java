package dev.liaison.imap.store;

import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Header;
import org.apache.james.mailbox.model.MimeDescriptor;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.ParserCursor;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.util.ByteSequence;
import org.apache.james.mime4j.util.ContentUtil;
import org.apache.james.mime4j.util.MimeUtil;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BODYSTRUCTURE's Content-Type and Content-Disposition parameters (RFC 3501 body-fld-param) as the
 * header writes them, as Dovecot sends them (and its body-fld-desc likewise): undecoded, RFC 2231
 * continuations joined into one parameter ({@code filename*0*=UTF-8''%C3%BC; filename*1*=x.pdf} is
 * {@code "filename*" "UTF-8''%C3%BCx.pdf"}), encoded words left for the client ({@code "filename"
 * "=?utf-8?B?…?="}). Clients decode both, as they do in the header. Like Dovecot's rfc2231-parser,
 * a continuation is joined only when its segments are numbered 0, 1, 2, … without a gap or a
 * repeat; otherwise each segment goes out unjoined under its own name ({@code "name*1*"},
 * {@code "name*3"}): a join of {@code name*1*} and {@code name*3} lacked the charset'language'
 * prefix clients need to decode it, and a repeated number silently dropped a segment.
 *
 * <p>James took the parameters from mime4j, which decodes disposition parameters (RFC 2047 and
 * RFC 2231, the latter only for a first segment) but not Content-Type ones: the decoded text
 * ({@code Präsentation.pdf}) then went out as Latin-1 octets, since an IMAP string is written one
 * octet per char below 256 (raw header octets are held so), and clients showed garbage. Here every
 * parameter value is the header's octets, one char per octet, so they go out as they came in.
 */
final class MimeParameters {

    /** {@code name*0}, {@code name*1*}: a segment of an RFC 2231 continuation. */
    private static final Pattern SEGMENT = Pattern.compile("(.+?)\\*(\\d{1,4})(\\*?)");
    /** RFC 2231 attribute-char: what an extended value holds without a {@code %} escape. */
    private static final String NOT_ATTRIBUTE_CHARS = "*'%()<>@,;:\\\"/[]?=";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    /** The header fields whose values BODYSTRUCTURE takes as written. */
    private static final Set<String> DESCRIBING = Set.of("content-type", "content-disposition", "content-description");

    private MimeParameters() {
    }

    /**
     * The parameters of a Content-Type or Content-Disposition field {@code body} (one char per
     * octet, possibly folded), names in lower case as James gives them, values undecoded.
     */
    static Map<String, String> of(String body) {
        String unfolded = MimeUtil.unfold(body);
        ByteSequence octets = ContentUtil.encode(unfolded); // one octet per char, as the header held them
        List<NameValuePair> pairs = RawFieldParser.DEFAULT.parseRawBody(octets, new ParserCursor(0, octets.length()))
                .getParams();
        Map<String, String> parameters = new TreeMap<>();
        Map<String, List<Segment>> continued = new LinkedHashMap<>();
        for (NameValuePair pair : pairs) {
            if (pair.getValue() == null) {
                continue; // a name without a value: no body-fld-param pair to make
            }
            String name = pair.getName().toLowerCase(Locale.ROOT);
            Matcher segment = SEGMENT.matcher(name);
            if (segment.matches()) {
                continued.computeIfAbsent(segment.group(1), n -> new ArrayList<>())
                        .add(new Segment(name, Integer.parseInt(segment.group(2)), pair.getValue(),
                                !segment.group(3).isEmpty()));
            } else {
                parameters.putIfAbsent(name, pair.getValue());
            }
        }
        continued.forEach((name, segments) -> {
            segments.sort(Comparator.comparingInt(Segment::number)); // stable: repeats keep their order
            if (numberedFromZero(segments)) {
                join(name, segments, parameters);
            } else {
                segments.forEach(s -> parameters.putIfAbsent(s.name(), s.value()));
            }
        });
        return parameters;
    }

    /** {@code name} is the segment's own parameter name, e.g. {@code filename*1*}. */
    private record Segment(String name, int number, String value, boolean extended) {
    }

    /** Whether sorted {@code segments} are numbered 0, 1, 2, … with no number missing or repeated. */
    private static boolean numberedFromZero(List<Segment> segments) {
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i).number() != i) {
                return false;
            }
        }
        return true;
    }

    /**
     * Joins a continuation as Dovecot does: {@code name} with the values one after the other when
     * no segment is extended; otherwise {@code name*} with one extended value, its plain segments
     * {@code %}-escaped and an empty charset and language before a plain first segment.
     */
    private static void join(String name, Iterable<Segment> segments, Map<String, String> parameters) {
        boolean extended = false;
        for (Segment s : segments) {
            extended |= s.extended();
        }
        StringBuilder value = new StringBuilder();
        boolean first = true;
        for (Segment s : segments) {
            if (!extended || s.extended()) {
                value.append(s.value());
            } else {
                value.append(first ? "''" : "").append(escaped(s.value()));
            }
            first = false;
        }
        parameters.putIfAbsent(extended ? name + "*" : name, value.toString());
    }

    private static String escaped(String plain) {
        StringBuilder escaped = new StringBuilder(plain.length());
        for (char c : plain.toCharArray()) {
            if (c <= ' ' || c >= 0x7f || NOT_ATTRIBUTE_CHARS.indexOf(c) >= 0) {
                escaped.append('%').append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /**
     * James's description of a message (and of its parts and attached messages) with the
     * parameters and the Content-Description of each entity's own header, undecoded as Dovecot
     * sends them (mime4j decodes a description's encoded words too, which then went out as
     * Latin-1). A text part whose header names no charset keeps the {@code us-ascii} James adds
     * (RFC 2045 §5.2).
     */
    static MimeDescriptor described(MimeDescriptor james) throws MailboxException {
        Map<String, String> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Iterator<Header> it = james.headers(); it.hasNext(); ) {
            Header h = it.next();
            if (DESCRIBING.contains(h.getName().toLowerCase(Locale.ROOT))) {
                fields.putIfAbsent(h.getName(), h.getValue()); // the first, as mime4j takes it
            }
        }
        Map<String, String> typeParameters = fields.containsKey("content-type")
                ? of(fields.get("content-type")) : new TreeMap<>();
        String charset = james.contentTypeParameters().get("charset");
        if (charset != null) {
            typeParameters.putIfAbsent("charset", charset);
        }
        Map<String, String> dispositionParameters = fields.containsKey("content-disposition")
                ? of(fields.get("content-disposition")) : Map.of();
        String description = fields.containsKey("content-description")
                ? MimeUtil.unfold(fields.get("content-description")).trim() : null;
        List<MimeDescriptor> parts = new ArrayList<>();
        for (Iterator<MimeDescriptor> it = james.parts(); it != null && it.hasNext(); ) {
            parts.add(described(it.next()));
        }
        MimeDescriptor embedded = james.embeddedMessage() == null ? null : described(james.embeddedMessage());
        return new Described(james, typeParameters, dispositionParameters, description, parts, embedded);
    }

    /**
     * An entity's description with its own header's parameters and description. The record's
     * accessors {@code contentTypeParameters}, {@code getDispositionParams},
     * {@code getContentDescription} and {@code embeddedMessage} answer for James's.
     */
    private record Described(MimeDescriptor james, Map<String, String> contentTypeParameters,
                             Map<String, String> getDispositionParams, String getContentDescription,
                             List<MimeDescriptor> partList, MimeDescriptor embeddedMessage) implements MimeDescriptor {

        @Override
        public Iterator<MimeDescriptor> parts() {
            return partList.iterator();
        }

        @Override
        public String getMimeType() {
            return james.getMimeType();
        }

        @Override
        public String getMimeSubType() {
            return james.getMimeSubType();
        }

        @Override
        public String getContentID() {
            return james.getContentID();
        }

        @Override
        public String getContentLocation() {
            return james.getContentLocation();
        }

        @Override
        public String getContentMD5() {
            return james.getContentMD5();
        }

        @Override
        public String getTransferContentEncoding() {
            return james.getTransferContentEncoding();
        }

        @Override
        public List<String> getLanguages() {
            return james.getLanguages();
        }

        @Override
        public String getDisposition() {
            return james.getDisposition();
        }

        @Override
        public long getLines() {
            return james.getLines();
        }

        @Override
        public long getBodyOctets() {
            return james.getBodyOctets();
        }

        @Override
        public Iterator<Header> headers() throws MailboxException {
            return james.headers();
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return james.getInputStream();
        }

        @Override
        public long size() throws MailboxException {
            return james.size();
        }
    }
}
