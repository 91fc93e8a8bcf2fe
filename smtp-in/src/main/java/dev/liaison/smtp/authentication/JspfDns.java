package dev.liaison.smtp.authentication;

import dev.liaison.smtp.dns.DnsLookup;
import dev.liaison.smtp.dns.DnsLookupException;
import dev.liaison.smtp.dns.DnsRecordType;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.exceptions.TimeoutException;

/**
 * jSPF's view of DNS, answered by the {@link DnsLookup} of the message being checked. jSPF binds
 * its DNS service into its record parser when an {@code SPF} object is built, and building one per
 * message would recompile the parser's patterns each time; so one {@code SPF} object is shared and
 * this adapter forwards to the lookup set for the current thread. That is sound because jSPF's
 * {@code SynchronousSPFExecutor} runs a whole check on the calling thread.
 *
 * <p>jSPF's contract: {@code null} for "no records", {@link TimeoutException} for a temporary
 * failure (it reports {@code temperror}).
 */
final class JspfDns implements DNSService {

    private static final int RFC7208_MAX_NAMES = 10;

    private final ThreadLocal<DnsLookup> current = new ThreadLocal<>();
    private final List<String> localNames;

    JspfDns(String hostname) {
        this.localNames = List.of(hostname);
    }

    /** Runs {@code check} with {@code dns} answering this thread's questions. */
    <T> T using(DnsLookup dns, java.util.function.Supplier<T> check) {
        current.set(dns);
        try {
            return check.get();
        } finally {
            current.remove();
        }
    }

    @Override
    public List<String> getRecords(DNSRequest request) throws TimeoutException {
        DnsLookup dns = current.get();
        if (dns == null) {
            throw new IllegalStateException("SPF DNS question outside a check: " + request);
        }
        DnsRecordType type = typeOf(request.getRecordType());
        if (type == null) {
            // The SPF RR type (99) is obsolete (RFC 7208 §3.1); nobody needs to publish it.
            return null;
        }
        try {
            List<String> records = dns.lookup(request.getHostname(), type);
            return records.isEmpty() ? null : records;
        } catch (DnsLookupException e) {
            throw new TimeoutException(e.getMessage());
        }
    }

    @Override
    public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
        try {
            return CompletableFuture.completedFuture(getRecords(request));
        } catch (TimeoutException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public List<String> getLocalDomainNames() {
        return localNames;
    }

    /** Per-question timeouts belong to the {@link DnsLookup}; jSPF's setting is ignored. */
    @Override
    public void setTimeOut(int timeOut) {
    }

    /** RFC 7208 §4.6.4: at most ten names from one MX or PTR lookup are used. */
    @Override
    public int getRecordLimit() {
        return RFC7208_MAX_NAMES;
    }

    @Override
    public void setRecordLimit(int recordLimit) {
        if (recordLimit != RFC7208_MAX_NAMES) {
            throw new UnsupportedOperationException("the MX/PTR name limit is RFC 7208's " + RFC7208_MAX_NAMES);
        }
    }

    private static DnsRecordType typeOf(int jspfType) {
        return switch (jspfType) {
            case DNSRequest.A -> DnsRecordType.A;
            case DNSRequest.AAAA -> DnsRecordType.AAAA;
            case DNSRequest.MX -> DnsRecordType.MX;
            case DNSRequest.PTR -> DnsRecordType.PTR;
            case DNSRequest.TXT -> DnsRecordType.TXT;
            default -> null;
        };
    }
}
