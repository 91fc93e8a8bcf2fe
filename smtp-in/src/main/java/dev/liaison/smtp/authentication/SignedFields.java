package dev.liaison.smtp.authentication;

import java.util.ArrayList;
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

    /** @param fields {@code Name: value} with folds, without the final CRLF, in message order */
    SignedFields(List<String> fields, int maxSignatures) {
        this.fields = List.copyOf(fields);
        this.maxSignatures = maxSignatures;
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
