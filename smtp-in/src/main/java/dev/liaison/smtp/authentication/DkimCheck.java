package dev.liaison.smtp.authentication;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The check of one {@code DKIM-Signature:} field.
 *
 * @param result         the verdict
 * @param domain         the signing domain ({@code d=}), lower case; empty if the field had none
 * @param selector       the selector ({@code s=}); empty if the field had none
 * @param signatureStart the first characters of {@code b=} (RFC 6008 {@code header.b}), to tell
 *                       two signatures of one domain apart; empty if none
 * @param signedFields   the header field names the signature covers ({@code h=}), lower case, once
 *                       each; empty if the field had none
 */
public record DkimCheck(DkimResult result, String domain, String selector, String signatureStart,
                        Set<String> signedFields) {
    public DkimCheck {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(signatureStart, "signatureStart");
        signedFields = Set.copyOf(signedFields);
    }

    /** A check whose signature's {@code h=} is not known (or not needed). */
    public DkimCheck(DkimResult result, String domain, String selector, String signatureStart) {
        this(result, domain, selector, signatureStart, Set.of());
    }

    /** Whether the signature covers header field {@code name} ({@code h=} names it). */
    public boolean covers(String name) {
        return signedFields.contains(name.toLowerCase(Locale.ROOT));
    }
}
