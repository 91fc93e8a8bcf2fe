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

    /**
     * Whether the {@code From:} domain is authenticated, as far as a receiver can tell: DMARC passed;
     * or, where the domain publishes no usable DMARC policy (none, permerror, temperror), SPF or a
     * DKIM signature passed for a domain aligned with it (relaxed alignment, RFC 7489 §3.1). A
     * DMARC fail stays a fail. This is what lets mail change something on the author's behalf
     * (a gateway taking up an invitation it carries); filing mail does not ask for it.
     */
    public boolean authorAuthenticated() {
        return switch (dmarc.result()) {
            case PASS -> true;
            case FAIL -> false;
            case NONE, TEMPERROR, PERMERROR -> alignedPass();
        };
    }

    private boolean alignedPass() {
        String author = dmarc.fromDomain();
        boolean dkimAligned = dkim.stream().anyMatch(c -> c.result() == DkimResult.PASS
                && OrganizationalDomain.aligned(c.domain(), author, false));
        return dkimAligned || spf.result() == SpfResult.PASS && OrganizationalDomain.aligned(spf.domain(), author, false);
    }

    /** Whether the author domain's DMARC policy asks for this message to be filed as junk. */
    public boolean quarantine() {
        return dmarc.disposition() == DmarcDisposition.QUARANTINE;
    }
}
