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

    /**
     * Whether the author vouches for header field {@code name} of this message: a stricter
     * {@link #authorAuthenticated} for a field that changes something on the author's behalf. SPF
     * aligned with the author counts (the whole message came from a host the author's domain names);
     * a DKIM signature counts only if it passed, is aligned and its {@code h=} covers the field — a
     * message someone once got signed by the author, re-sent by them with the field added on top,
     * passes DKIM and DMARC but carries a field the author never signed (RFC 6376 §5.4.2: a
     * signature covers the bottom-most instances). A DMARC temperror does not count here: a sender
     * can make the policy look-up fail (by spending the per-message DNS budget first) and so
     * escape a strict policy.
     */
    public boolean authorVouchesFor(String name) {
        return switch (dmarc.result()) {
            case FAIL, TEMPERROR -> false;
            case PASS, NONE, PERMERROR -> alignedSpfPass() || dkim.stream().anyMatch(c -> c.result() == DkimResult.PASS
                    && OrganizationalDomain.aligned(c.domain(), dmarc.fromDomain(), false) && c.covers(name));
        };
    }

    private boolean alignedSpfPass() {
        return spf.result() == SpfResult.PASS && OrganizationalDomain.aligned(spf.domain(), dmarc.fromDomain(), false);
    }

    private boolean alignedPass() {
        String author = dmarc.fromDomain();
        boolean dkimAligned = dkim.stream().anyMatch(c -> c.result() == DkimResult.PASS
                && OrganizationalDomain.aligned(c.domain(), author, false));
        return dkimAligned || alignedSpfPass();
    }

    /** Whether the author domain's DMARC policy asks for this message to be filed as junk. */
    public boolean quarantine() {
        return dmarc.disposition() == DmarcDisposition.QUARANTINE;
    }
}
