package dev.liaison.smtp.authentication;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.james.jdkim.api.Headers;

/**
 * A message's header fields as jDKIM reads them, straight from smtp-in's own split of the header
 * (no second MIME parse). At most {@code maxSignatures} {@code DKIM-Signature:} fields are shown,
 * the topmost ones: each one shown costs a DNS question and a signature verification.
 */
final class SignedFields implements Headers {

    static final String DKIM_SIGNATURE = "DKIM-Signature";

    private final List<String> fields;
    private final int maxSignatures;
    private final boolean exact;

    /**
     * @param fields   {@code Name: value} with folds, without the final CRLF, in message order, one char per octet
     * @param platform the charset jDKIM's {@code getBytes()} uses: the JVM's default
     */
    SignedFields(List<String> fields, int maxSignatures, Charset platform) {
        List<String> shown = new ArrayList<>(fields.size());
        boolean all = true;
        for (String field : fields) {
            String text = asJdkimHashesIt(field, platform);
            all &= text != null;
            shown.add(text == null ? field : text);
        }
        this.fields = List.copyOf(shown);
        this.maxSignatures = maxSignatures;
        this.exact = all;
    }

    /**
     * The field as text whose {@code getBytes()} are its octets: jDKIM hashes header text with
     * {@code String.getBytes()}, the platform's default charset, so a one-char-per-octet field with
     * RFC 6532 UTF-8 text (Gmail signs raw UTF-8 subjects) hashed as other octets than were signed
     * and failed. Decoded with that charset when that gives the octets back (UTF-8, the default
     * from Java 18 and under a UTF-8 locale; ISO-8859-1); null when it does not (US-ASCII, the
     * default under a POSIX locale, turns every 8-bit octet into '?').
     */
    static String asJdkimHashesIt(String octets, Charset platform) {
        if (octets.chars().allMatch(c -> c < 0x80)) {
            return octets;
        }
        byte[] raw = octets.getBytes(StandardCharsets.ISO_8859_1);
        String text = new String(raw, platform);
        return Arrays.equals(text.getBytes(platform), raw) ? text : null;
    }

    /**
     * Whether jDKIM hashes every field's own octets. When not, a signature over such a field must
     * not be trusted either way: hashed lossily, text of '?'s would verify for any other 8-bit text
     * of its length (a forged subject under a POSIX locale).
     */
    boolean exact() {
        return exact;
    }

    @Override
    public List<String> getFields() {
        return fields;
    }

    @Override
    public List<String> getFields(String name) {
        List<String> named = new ArrayList<>();
        for (String field : fields) {
            if (isNamed(field, name)) {
                named.add(field);
            }
        }
        if (name.equalsIgnoreCase(DKIM_SIGNATURE) && named.size() > maxSignatures) {
            return List.copyOf(named.subList(0, maxSignatures));
        }
        return named;
    }

    static boolean isNamed(String field, String name) {
        return field.length() > name.length() && field.charAt(name.length()) == ':'
                && field.regionMatches(true, 0, name, 0, name.length());
    }
}
