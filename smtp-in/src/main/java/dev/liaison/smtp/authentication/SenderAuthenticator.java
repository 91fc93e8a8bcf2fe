package dev.liaison.smtp.authentication;

import dev.liaison.smtp.dns.DnsBudget;
import dev.liaison.smtp.dns.DnsLookup;
import dev.liaison.smtp.submission.Limits;
import java.io.InputStream;
import java.util.List;

/**
 * Checks who sent one message: the author domain first (a message without exactly one is refused
 * before any DNS question), then SPF, DKIM and DMARC, all of one message's DNS questions under one
 * {@link DnsBudget}. Thread-safe: one instance serves every session of the inbound MX.
 */
public final class SenderAuthenticator {

    private final DnsLookup dns;
    private final Limits.SenderChecks limits;
    private final SpfVerifier spf;
    private final DkimVerification dkim;
    private final DmarcEvaluator dmarc = new DmarcEvaluator();

    /** @param hostname this host's name (jSPF's answer for SPF's {@code %{r}} macro) */
    public SenderAuthenticator(DnsLookup dns, Limits.SenderChecks limits, String hostname) {
        this.dns = dns;
        this.limits = limits;
        this.spf = new SpfVerifier(hostname);
        this.dkim = new DkimVerification(limits.maxDkimSignatures());
    }

    /**
     * @param identities   what the SMTP dialogue said
     * @param headerFields the message's header fields ({@code Name: value} with folds, no final CRLF)
     * @param body         the body, after the empty line
     * @throws AuthorAddressException if the message has no single usable {@code From:} address
     */
    public SenderAuthentication authenticate(SenderIdentities identities, List<String> headerFields, InputStream body)
            throws AuthorAddressException {
        String author = AuthorDomain.of(headerFields);
        DnsLookup budget = new DnsBudget(dns, limits);
        SpfCheck spfCheck = spf.check(identities, budget);
        List<DkimCheck> dkimChecks = dkim.verify(headerFields, body, budget);
        return new SenderAuthentication(spfCheck, dkimChecks, dmarc.evaluate(author, spfCheck, dkimChecks, budget));
    }
}
