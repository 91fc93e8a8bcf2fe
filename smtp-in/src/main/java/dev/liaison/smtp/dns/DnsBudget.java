package dev.liaison.smtp.dns;

import dev.liaison.smtp.submission.Limits;
import java.time.Duration;
import java.util.List;

/**
 * The DNS questions one message may cost, counted and timed: a {@link DnsLookup} that refuses
 * (as {@link DnsLookupException}, so the check reports {@code temperror}) once
 * {@link Limits.SenderChecks#maxDnsQueries()} questions were asked or
 * {@link Limits.SenderChecks#dnsTimePerMessage()} has passed. SPF's own limits (RFC 7208 §4.6.4)
 * bound one SPF evaluation; this also bounds a message carrying many DKIM signatures, and the time a
 * slow name server can hold an SMTP I/O thread. One instance per message; not thread-safe.
 */
public final class DnsBudget implements DnsLookup {

    private final DnsLookup dns;
    private final int maxQueries;
    private final Duration maxTime;
    private final long deadlineNanos;
    private int queries;

    public DnsBudget(DnsLookup dns, Limits.SenderChecks limits) {
        this.dns = dns;
        this.maxQueries = limits.maxDnsQueries();
        this.maxTime = limits.dnsTimePerMessage();
        this.deadlineNanos = System.nanoTime() + maxTime.toNanos();
    }

    @Override
    public List<String> lookup(String name, DnsRecordType type) throws DnsLookupException {
        if (++queries > maxQueries) {
            throw new DnsLookupException("DNS budget spent: more than " + maxQueries + " queries for one message");
        }
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new DnsLookupException("DNS budget spent: lookups for one message took longer than "
                    + maxTime.toMillis() + " ms");
        }
        return dns.lookup(name, type);
    }

    /** Questions asked so far, including refused ones. */
    public int queries() {
        return queries;
    }
}
