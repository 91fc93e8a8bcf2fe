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

    /** @param fields {@code Name: value} with folds, without the final CRLF, in message order, one char per octet */
    SignedFields(List<String> fields, int maxSignatures) {
        this.fields = fields.stream().map(SignedFields::asJdkimHashesIt).toList();
        this.maxSignatures = maxSignatures;
    }

    /**
     * The field as text whose {@code getBytes()} are its octets: jDKIM hashes header text with
     * {@code String.getBytes()}, the platform's default charset, so a one-char-per-octet field with
     * RFC 6532 UTF-8 text (Gmail signs raw UTF-8 subjects) hashed as other octets than were signed
     * and failed. Decoded with that charset when that gives the octets back (UTF-8, the default
     * from Java 18 and under a UTF-8 locale); else left as it is (the signature then fails, as before).
     */
    static String asJdkimHashesIt(String octets) {
        if (octets.chars().allMatch(c -> c < 0x80)) {
            return octets;
        }
        byte[] raw = octets.getBytes(StandardCharsets.ISO_8859_1);
        Charset platform = Charset.defaultCharset();
        String text = new String(raw, platform);
        return Arrays.equals(text.getBytes(platform), raw) ? text : octets;
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
