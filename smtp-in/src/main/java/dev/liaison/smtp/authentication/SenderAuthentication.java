package dev.liaison.smtp.authentication;

import java.util.List;
import java.util.Objects;

/**
 * Everything the inbound MX found out about who sent a message; the same facts are written into
 * the message's {@code Authentication-Results:} field (RFC 8601).
 *
 * @param spf   the SPF check of the MAIL FROM (or HELO) identity
 * @param dkim  one check per verified {@code DKIM-Signature:} field, topmost first; empty when the
 *              message carries none ({@code dkim=none})
 * @param dmarc the DMARC evaluation of the {@code From:} domain
 */
public record SenderAuthentication(SpfCheck spf, List<DkimCheck> dkim, DmarcCheck dmarc) {
    public SenderAuthentication {
        Objects.requireNonNull(spf, "spf");
        Objects.requireNonNull(dmarc, "dmarc");
        dkim = List.copyOf(dkim);
    }

    /** Whether the author domain's DMARC policy asks for this message to be filed as junk. */
    public boolean quarantine() {
        return dmarc.disposition() == DmarcDisposition.QUARANTINE;
    }
}
