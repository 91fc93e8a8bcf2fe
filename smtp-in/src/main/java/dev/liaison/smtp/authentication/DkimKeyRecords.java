package dev.liaison.smtp.authentication;

import dev.liaison.smtp.dns.DnsLookup;
import dev.liaison.smtp.dns.DnsLookupException;
import dev.liaison.smtp.dns.DnsRecordType;
import java.util.List;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;

/**
 * jDKIM's key lookup through a {@link DnsLookup}: the TXT records at
 * {@code <selector>._domainkey.<domain>} (RFC 6376 §3.6.2.1). {@code dns/txt} is the only query
 * method RFC 6376 defines.
 */
final class DkimKeyRecords implements PublicKeyRecordRetriever {

    private final DnsLookup dns;

    DkimKeyRecords(DnsLookup dns) {
        this.dns = dns;
    }

    @Override
    public List<String> getRecords(CharSequence methodAndOption, CharSequence selector, CharSequence token)
            throws TempFailException, PermFailException {
        if (!"dns/txt".equalsIgnoreCase(methodAndOption.toString())) {
            throw new PermFailException("unsupported key query method " + methodAndOption + " (RFC 6376 defines dns/txt)");
        }
        try {
            return dns.lookup(selector + "._domainkey." + token, DnsRecordType.TXT);
        } catch (DnsLookupException e) {
            throw new TempFailException(e.getMessage());
        }
    }
}
