package dev.liaison.smtp.dns;

import java.util.List;

/**
 * The one way smtp-in asks DNS anything: SPF, DKIM key and DMARC policy lookups all go through it.
 * Production uses {@link DnsJavaLookup}; tests serve records from a table in memory, so the sender
 * authentication logic runs unchanged against records the test controls.
 *
 * <p>Contract: {@code name} is an absolute DNS name without the final dot, never resolved relative
 * to a search list. Answers are as {@link DnsRecordType} describes, host names without the final
 * dot. An empty list means "no such name" (NXDOMAIN) or "no records of that type" (NODATA); both are
 * definite answers. {@link DnsLookupException} means no answer could be had now (timeout,
 * SERVFAIL), which the checks report as {@code temperror} (RFC 7208 §2.6.6, RFC 7489 §6.6.3).
 * Called on the SMTP I/O threads; may block up to its own timeout. Must be thread-safe.
 */
@FunctionalInterface
public interface DnsLookup {
    List<String> lookup(String name, DnsRecordType type) throws DnsLookupException;
}
