package dev.liaison.smtp.dns;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * {@link DnsLookup} over dnsjava (the resolver jSPF and jDKIM are built on): the system's name
 * servers from {@code /etc/resolv.conf}, or given ones, with dnsjava's TTL-respecting cache.
 *
 * <p>Every name is made absolute before it is asked ({@code Name.root} as origin), so a name from
 * a message can never be completed with this host's search domains. TXT strings are decoded octet
 * for octet (ISO-8859-1), not through dnsjava's escaped presentation form, so a DKIM key or SPF
 * record reaches its parser exactly as published.
 */
public final class DnsJavaLookup implements DnsLookup {

    /** RFC 7208 §4.6.4 suggests at least 20 seconds for a whole SPF check; one question gets less. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final Resolver resolver;

    private DnsJavaLookup(Resolver resolver, Duration timeout) {
        this.resolver = resolver;
        this.resolver.setTimeout(timeout);
    }

    /** The system's name servers (as dnsjava finds them: {@code /etc/resolv.conf} on Linux). */
    public static DnsJavaLookup system(Duration timeout) {
        return new DnsJavaLookup(new ExtendedResolver(), Objects.requireNonNull(timeout, "timeout"));
    }

    /** The given name servers, tried in order. */
    public static DnsJavaLookup servers(List<InetSocketAddress> servers, Duration timeout) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no DNS servers given; use DnsJavaLookup.system for the system's");
        }
        List<Resolver> resolvers = new ArrayList<>(servers.size());
        for (InetSocketAddress server : servers) {
            resolvers.add(new SimpleResolver(server));
        }
        return new DnsJavaLookup(new ExtendedResolver(resolvers), Objects.requireNonNull(timeout, "timeout"));
    }

    @Override
    public List<String> lookup(String name, DnsRecordType type) throws DnsLookupException {
        Lookup lookup;
        try {
            lookup = new Lookup(Name.fromString(name, Name.root), typeOf(type));
        } catch (TextParseException e) {
            // Not a name DNS can carry, so certainly not one that has records.
            return List.of();
        }
        lookup.setResolver(resolver);
        Record[] records = lookup.run();
        switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL:
                return texts(records);
            case Lookup.HOST_NOT_FOUND:
            case Lookup.TYPE_NOT_FOUND:
                return List.of();
            default:
                throw new DnsLookupException(type + " lookup of " + name + " failed: " + lookup.getErrorString());
        }
    }

    private static int typeOf(DnsRecordType type) {
        return switch (type) {
            case A -> Type.A;
            case AAAA -> Type.AAAA;
            case MX -> Type.MX;
            case PTR -> Type.PTR;
            case TXT -> Type.TXT;
        };
    }

    private static List<String> texts(Record[] records) {
        List<String> texts = new ArrayList<>(records.length);
        for (Record record : records) {
            if (record instanceof ARecord a) {
                texts.add(a.getAddress().getHostAddress());
            } else if (record instanceof AAAARecord aaaa) {
                texts.add(aaaa.getAddress().getHostAddress());
            } else if (record instanceof MXRecord mx) {
                texts.add(relative(mx.getTarget()));
            } else if (record instanceof PTRRecord ptr) {
                texts.add(relative(ptr.getTarget()));
            } else if (record instanceof TXTRecord txt) {
                StringBuilder joined = new StringBuilder();
                for (byte[] string : txt.getStringsAsByteArrays()) {
                    joined.append(new String(string, StandardCharsets.ISO_8859_1));
                }
                texts.add(joined.toString());
            }
        }
        return List.copyOf(texts);
    }

    private static String relative(Name name) {
        String text = name.toString();
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
