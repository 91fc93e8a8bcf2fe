package dev.liaison.gateway.mail;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Text the gateway writes into header fields. Display names and reasons come from peers or
 * errors and are untrusted: every control character (C0, DEL, C1, line and paragraph separators)
 * becomes a space before anything is written, so no input can end a header line and start
 * another; quotes and backslashes are escaped inside quoted-strings (RFC 5322 §3.2.4), and
 * non-ASCII text is written as RFC 2047 encoded-words, which cannot carry a raw line break.
 */
final class HeaderText {

    private static final DateTimeFormatter RFC5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);
    /** dot-atom local part and an LDH domain: what our own users and aliases look like. */
    private static final Pattern ADDRESS = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*");
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*");
    private static final int MAX_ADDRESS_CHARS = 254;
    /** 45 octets are 60 base64 characters: with {@code =?UTF-8?B?} and {@code ?=}, 72 ≤ 75 (RFC 2047 §2). */
    private static final int ENCODED_WORD_OCTETS = 45;
    /** RFC 5322 §2.1.1: lines SHOULD stay within 78 characters. */
    private static final int LINE = 78;
    /** Room left on a field's first line for its name, {@code "From: "} and the like. */
    private static final int FIELD_NAME_ROOM = 6;

    private HeaderText() {
    }

    /** {@code "Name" <address>}, or {@code <address>} when the cleaned name is empty. */
    static String mailbox(String displayName, String address) {
        String name = clean(displayName, MailLimits.MAX_DISPLAY_NAME_CODE_POINTS);
        if (name.isEmpty()) {
            return "<" + address + ">";
        }
        String phrase = phrase(name);
        String lastLine = phrase.substring(phrase.lastIndexOf('\n') + 1);
        // Encoded-words fill their line; the address then goes on a line of its own (RFC 5322 §2.1.1's 78).
        boolean fold = phrase.startsWith("=?") && FIELD_NAME_ROOM + lastLine.length() + address.length() + 3 > LINE;
        return phrase + (fold ? "\r\n <" : " <") + address + ">";
    }

    /** An unstructured field value (a subject): as is when plain ASCII, else encoded-words. */
    static String unstructured(String text) {
        String clean = clean(text, Integer.MAX_VALUE);
        return plainAscii(clean) ? clean : encodedWords(clean);
    }

    /**
     * One line of text: controls become spaces, runs of spaces shrink to one, the ends are
     * trimmed, and the result is cut to {@code maxCodePoints}.
     */
    static String clean(String text, int maxCodePoints) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 256));
        int kept = 0;
        for (int i = 0; i < text.length() && kept < maxCodePoints; ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            cp = isControl(cp) ? ' ' : isLoneSurrogate(cp) ? 0xFFFD : cp;
            if (cp == ' ' && (out.length() == 0 || out.charAt(out.length() - 1) == ' ')) {
                continue;
            }
            out.appendCodePoint(cp);
            kept++;
        }
        int end = out.length();
        while (end > 0 && out.charAt(end - 1) == ' ') {
            end--;
        }
        return out.substring(0, end);
    }

    /** {@link #clean} with every non-ASCII character replaced by {@code ?}: for DSN fields, which are ASCII. */
    static String asciiLine(String text, int maxChars) {
        StringBuilder out = new StringBuilder();
        clean(text, maxChars).codePoints().forEach(cp -> out.append(cp < 0x80 ? (char) cp : '?'));
        return out.toString();
    }

    static String date(Instant instant) {
        return RFC5322_DATE.format(instant);
    }

    /** Whether {@code address} is a plain {@code local@domain}: dot-atom local part, LDH domain, at most 254 characters. */
    static boolean isPlainAddress(String address) {
        return address.length() <= MAX_ADDRESS_CHARS && ADDRESS.matcher(address).matches();
    }

    /** Refuses anything but a plain {@code local@domain}: these are our own values, so a bad one is a bug. */
    static void requireAddress(String address, String role) {
        if (!isPlainAddress(address)) {
            throw new IllegalArgumentException(role + " must be a plain address local@domain (at most "
                    + MAX_ADDRESS_CHARS + " characters), got \"" + clean(address, 300) + "\"");
        }
    }

    static void requireDomain(String domain) {
        if (domain.length() > MAX_ADDRESS_CHARS || !DOMAIN.matcher(domain).matches()) {
            throw new IllegalArgumentException("domain must be a DNS name of letters, digits, '-' and '.', got \""
                    + clean(domain, 300) + "\"");
        }
    }

    /**
     * A display name as a phrase: a quoted-string when it is plain ASCII, else encoded-words. An
     * ASCII name containing {@code =?} is encoded too: many clients decode encoded-words even
     * inside quoted-strings, so a name could otherwise show as something it does not say.
     */
    private static String phrase(String name) {
        if (!plainAscii(name)) {
            return encodedWords(name);
        }
        StringBuilder quoted = new StringBuilder(name.length() + 2).append('"');
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\');
            }
            quoted.append(c);
        }
        return quoted.append('"').toString();
    }

    private static boolean plainAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return !text.contains("=?");
    }

    /** RFC 2047 B encoded-words of UTF-8, split between code points, folded onto separate lines. */
    private static String encodedWords(String text) {
        StringBuilder out = new StringBuilder();
        byte[] chunk = new byte[ENCODED_WORD_OCTETS];
        int used = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            if (used + utf8.length > ENCODED_WORD_OCTETS) {
                appendWord(out, chunk, used);
                used = 0;
            }
            System.arraycopy(utf8, 0, chunk, used, utf8.length);
            used += utf8.length;
        }
        appendWord(out, chunk, used);
        return out.toString();
    }

    private static void appendWord(StringBuilder out, byte[] chunk, int length) {
        if (out.length() > 0) {
            out.append("\r\n "); // folding between encoded-words: the decoder ignores it (RFC 2047 §6.2)
        }
        byte[] octets = Arrays.copyOf(chunk, length);
        out.append("=?UTF-8?B?").append(Base64.getEncoder().encodeToString(octets)).append("?=");
    }

    private static boolean isLoneSurrogate(int cp) {
        return cp <= 0xFFFF && Character.isSurrogate((char) cp);
    }

    /** C0, DEL, C1 (NEL among them) and Unicode's line and paragraph separators. */
    private static boolean isControl(int cp) {
        return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029;
    }
}
