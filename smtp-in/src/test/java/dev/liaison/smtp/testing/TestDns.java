package dev.liaison.smtp.testing;

import dev.liaison.smtp.dns.DnsLookup;
import dev.liaison.smtp.dns.DnsLookupException;
import dev.liaison.smtp.dns.DnsRecordType;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS zone in memory: smtp-in's own {@link DnsLookup} interface answered from a table the test
 * fills (the production implementation, {@code DnsJavaLookup}, is tested against a DNS server on
 * loopback in {@code DnsJavaLookupTest}). Names under a "failing" suffix answer with
 * {@link DnsLookupException}, as a name server that times out would.
 */
public final class TestDns implements DnsLookup {

    private final Map<String, List<String>> records = new ConcurrentHashMap<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final AtomicInteger queries = new AtomicInteger();

    public TestDns txt(String name, String... texts) {
        return put(name, DnsRecordType.TXT, texts);
    }

    public TestDns a(String name, String... addresses) {
        return put(name, DnsRecordType.A, addresses);
    }

    public TestDns mx(String name, String... hosts) {
        return put(name, DnsRecordType.MX, hosts);
    }

    /** Every name equal to or under {@code suffix} times out. */
    public TestDns failUnder(String suffix) {
        failing.add(suffix.toLowerCase(Locale.ROOT));
        return this;
    }

    public TestDns put(String name, DnsRecordType type, String... values) {
        records.put(key(name, type), List.of(values));
        return this;
    }

    @Override
    public List<String> lookup(String name, DnsRecordType type) throws DnsLookupException {
        queries.incrementAndGet();
        String lower = name.toLowerCase(Locale.ROOT);
        asked.add(type + " " + lower);
        for (String suffix : failing) {
            if (lower.equals(suffix) || lower.endsWith("." + suffix)) {
                throw new DnsLookupException("test DNS: " + type + " " + name + " timed out");
            }
        }
        return records.getOrDefault(key(lower, type), List.of());
    }

    /** How many questions were asked so far. */
    public int queries() {
        return queries.get();
    }

    /** The questions asked so far, as {@code TYPE name}. */
    public List<String> asked() {
        return List.copyOf(asked);
    }

    private static String key(String name, DnsRecordType type) {
        return type + " " + name.toLowerCase(Locale.ROOT);
    }
}
