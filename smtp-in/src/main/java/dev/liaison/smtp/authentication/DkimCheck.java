package dev.liaison.smtp.authentication;

import java.util.Objects;

/**
 * The check of one {@code DKIM-Signature:} field.
 *
 * @param result         the verdict
 * @param domain         the signing domain ({@code d=}), lower case; empty if the field had none
 * @param selector       the selector ({@code s=}); empty if the field had none
 * @param signatureStart the first characters of {@code b=} (RFC 6008 {@code header.b}), to tell
 *                       two signatures of one domain apart; empty if none
 */
public record DkimCheck(DkimResult result, String domain, String selector, String signatureStart) {
    public DkimCheck {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(signatureStart, "signatureStart");
    }
}
