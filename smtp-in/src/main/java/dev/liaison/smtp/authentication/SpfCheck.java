package dev.liaison.smtp.authentication;

import java.util.Objects;

/**
 * The SPF check of one transaction.
 *
 * @param result   the verdict
 * @param identity which identity was checked
 * @param subject  the identity as checked: the MAIL FROM address, or the HELO name
 * @param domain   the domain whose policy was evaluated, the one DMARC aligns (RFC 7489 §3.1.2);
 *                 empty when the HELO name was no domain (an address literal)
 */
public record SpfCheck(SpfResult result, SpfIdentity identity, String subject, String domain) {
    public SpfCheck {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(domain, "domain");
    }
}
