package dev.liaison.imap.store;

import dev.liaison.imap.server.Limits;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.parser.AbstractContentHandler;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The text SEARCH looks in, computed once when a message is stored: every header field as
 * "name: decoded value" (raw 8-bit text read as UTF-8 when it is valid UTF-8, RFC 6532, as
 * {@link HeaderText} reads it; it was read as Latin-1, so {@code Grüße} was found only as
 * {@code GrÃ¼ÃŸe}) and every text part decoded from its transfer encoding and charset,
 * lower-cased (RFC 3501 §6.4.4: matching is case-insensitive substring matching). Bounded by
 * {@link Limits#SEARCH_TEXT_CHARS}; a message that does not parse is searchable by what was read.
 */
public final class SearchText {

    /** Separates the header section from the body section inside the stored text. */
    public static final char BODY_MARK = '\u0001';
    private static final java.util.regex.Pattern COMMENT = java.util.regex.Pattern.compile("\\([^)]*\\)");
    private static final java.util.regex.Pattern FOLD = java.util.regex.Pattern.compile("\r?\n(?=[ \t])");
    private static final String DATE_FIELD = "date: ";

    private final String text;
    private final java.time.LocalDate sentOn;

    /** A message whose text could not be extracted: it matches no text or SENT* criterion. */
    static final SearchText NONE = new SearchText("", null);

    /** Package-private for tests that need a text the database refuses; others use {@link #of}. */
    SearchText(String text, java.time.LocalDate sentOn) {
        this.text = text;
        this.sentOn = sentOn;
    }

    public String text() {
        return text;
    }

    /** The day of the Date header in the header's own zone, if it has a readable one. */
    public java.util.Optional<java.time.LocalDate> sentOn() {
        return java.util.Optional.ofNullable(sentOn);
    }

    public static SearchText of(byte[] message) {
        String text = extract(message);
        return new SearchText(text, sentOn(text));
    }

    /** The first Date field's day; the header section is "name: value\n" lines, lower-cased. */
    private static java.time.LocalDate sentOn(String text) {
        int mark = text.indexOf(BODY_MARK);
        int headerEnd = mark >= 0 ? mark : text.length();
        boolean firstLine = text.startsWith(DATE_FIELD);
        int line = firstLine ? 0 : text.indexOf("\n" + DATE_FIELD) + 1; // 0 here: no Date field
        if (line == 0 && !firstLine || line >= headerEnd) {
            return null;
        }
        int end = text.indexOf('\n', line);
        String value = text.substring(line + DATE_FIELD.length(), end < 0 || end > headerEnd ? headerEnd : end);
        return day((value.indexOf('(') >= 0 ? COMMENT.matcher(value).replaceAll("") : value).trim());
    }

    /**
     * The day of a lower-cased RFC 1123 date ({@code [dow, ]d mon yyyy hh:mm[:ss] ±hhmm|gmt}) as
     * written, or null if it is not one (an unreadable Date header matches no SENT* criterion).
     * The rules of {@code DateTimeFormatter.RFC_1123_DATE_TIME} (used before), without its
     * parse-and-resolve machinery, which took a fifth of the CPU of storing a message; unlike
     * it, two- and three-digit years are read as RFC 5322 §4.3 says, not as the years 25 or 125.
     */
    static java.time.LocalDate day(String value) {
        java.util.regex.Matcher m = RFC_1123.matcher(value);
        if (!m.matches()) {
            return null;
        }
        int offsetMinutes = number(m, 9);
        boolean timeFits = number(m, 5) <= 23 && number(m, 6) <= 59 && number(m, 7) <= 59
                && offsetMinutes <= 59 && number(m, 8) * 60 + offsetMinutes <= 18 * 60;
        if (!timeFits) {
            return null;
        }
        try {
            java.time.LocalDate day = java.time.LocalDate.of(year(m.group(4)),
                    MONTHS.indexOf(m.group(3)) / 4 + 1, Integer.parseInt(m.group(2)));
            boolean weekdayFits = m.group(1) == null || DAYS.indexOf(m.group(1)) / 4 + 1 == day.getDayOfWeek().getValue();
            return weekdayFits ? day : null;
        } catch (java.time.DateTimeException e) {
            return null; // 30 February and the like
        }
    }

    /** Group {@code group} as a number; 0 if that optional part is absent. */
    private static int number(java.util.regex.Matcher m, int group) {
        return m.group(group) == null ? 0 : Integer.parseInt(m.group(group));
    }

    /** RFC 5322 §4.3: a two-digit year below 50 is 20xx, others and three-digit ones 19xx. */
    private static int year(String digits) {
        int year = Integer.parseInt(digits);
        return switch (digits.length()) {
            case 2 -> year < 50 ? 2000 + year : 1900 + year;
            case 3 -> 1900 + year;
            default -> year;
        };
    }

    private static final String MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec";
    private static final String DAYS = "mon tue wed thu fri sat sun";
    private static final java.util.regex.Pattern RFC_1123 = java.util.regex.Pattern.compile(
            "(?:(mon|tue|wed|thu|fri|sat|sun), )?(\\d{1,2}) (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec) (\\d{2,4})"
                    + " (\\d{2}):(\\d{2})(?::(\\d{2}))? (?:[+-](\\d{2})(\\d{2})|gmt)");

    static String extract(byte[] message) {
        StringBuilder headers = new StringBuilder();
        StringBuilder bodies = new StringBuilder();
        MimeStreamParser parser = new MimeStreamParser(MimeConfig.PERMISSIVE);
        parser.setContentDecoding(true);
        parser.setContentHandler(new Collector(headers, bodies));
        try {
            parser.parse(new ByteArrayInputStream(message));
        } catch (MimeException | IOException | RuntimeException e) {
            // malformed MIME: keep what was read, the message stays searchable by it
        }
        String text = (storable(headers) + BODY_MARK + storable(bodies)).toLowerCase(Locale.ROOT);
        return text.length() > Limits.SEARCH_TEXT_CHARS ? text.substring(0, Limits.SEARCH_TEXT_CHARS) : text;
    }

    /**
     * PostgreSQL text cannot hold U+0000 (a quoted-printable {@code =00} or a raw NUL in a body or
     * header refused the whole batch, and every later text search of the folder); U+0001 is
     * {@link #BODY_MARK}, which a message must not be able to move. Both become a space, so the
     * words on either side stay searchable as words.
     */
    private static String storable(CharSequence part) {
        return part.toString().replace('\u0000', ' ').replace(BODY_MARK, ' ');
    }

    private static final class Collector extends AbstractContentHandler {
        private final StringBuilder headers;
        private final StringBuilder bodies;
        private boolean topLevel = true;

        Collector(StringBuilder headers, StringBuilder bodies) {
            this.headers = headers;
            this.bodies = bodies;
        }

        @Override
        public void field(Field field) {
            if (topLevel && headers.length() < Limits.SEARCH_TEXT_CHARS) {
                headers.append(field.getName()).append(": ")
                        .append(DecoderUtil.decodeEncodedWords(HeaderText.of(unfold(field.getBody())), DecodeMonitor.SILENT))
                        .append('\n');
            }
        }

        /** RFC 5322 §2.2.3: a folded header line is one line. */
        private static String unfold(String body) {
            if (body.indexOf('\n') < 0 && body.indexOf('\r') < 0) {
                return body; // most fields: one line
            }
            return FOLD.matcher(body).replaceAll("").replace('\n', ' ').replace('\r', ' ');
        }

        @Override
        public void endHeader() {
            topLevel = false;
        }

        @Override
        public void body(BodyDescriptor bd, InputStream is) throws IOException {
            if (!"text".equalsIgnoreCase(bd.getMediaType()) || bodies.length() >= Limits.SEARCH_TEXT_CHARS) {
                return;
            }
            byte[] bytes = is.readNBytes(Limits.SEARCH_TEXT_CHARS);
            bodies.append(text(bytes, charset(bd.getCharset()))).append('\n');
        }

        /**
         * 8-bit octets in a part said (or taken by default) to be US-ASCII, which has none: UTF-8 when
         * they are valid UTF-8 (what {@code 8bit} text without a charset is today, and what RFC 6532
         * mail carries), else as before; US-ASCII made every such word unsearchable.
         */
        private static String text(byte[] bytes, Charset charset) {
            if (charset.equals(StandardCharsets.US_ASCII) && !isAscii(bytes)) {
                String utf8 = HeaderText.of(new String(bytes, StandardCharsets.ISO_8859_1));
                if (utf8.length() < bytes.length) {
                    return utf8; // it decoded: some octets joined into characters
                }
            }
            return new String(bytes, charset);
        }

        private static boolean isAscii(byte[] bytes) {
            for (byte b : bytes) {
                if (b < 0) {
                    return false;
                }
            }
            return true;
        }

        private static Charset charset(String name) {
            try {
                return name == null ? StandardCharsets.US_ASCII : Charset.forName(name);
            } catch (RuntimeException e) {
                return StandardCharsets.ISO_8859_1; // unknown charset: keep bytes one-to-one
            }
        }
    }
}
