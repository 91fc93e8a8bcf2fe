package dev.liaison.gateway.legacy.delivery;

import dev.liaison.gateway.transport.PrivateAddresses;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link MxLookup} over DNS with dnsjava (RFC 5321 §5.1): MX records by preference, hosts of equal
 * preference in random order to spread the load; no MX at all → the domain itself is the implicit
 * MX; a null MX (RFC 7505) or a domain that does not exist → permanent failure. Each exchanger's
 * IPv4 then IPv6 addresses are tried.
 *
 * <p>Addresses on loopback, private or link-local networks are left out unless allowed
 * ({@code relay.private-destinations}): a recipient domain is chosen by whoever writes the
 * message, and its MX must not make the gateway deliver into the operator's own network.
 */
public final class DnsMxLookup implements MxLookup {

    private final Resolver resolver;
    private final Cache cache = new Cache(DClass.IN);
    private final int port;
    private final boolean privateAddresses;

    /**
     * @param port             the SMTP port of every exchanger ({@link Limits#SMTP_PORT}; tests differ)
     * @param privateAddresses whether loopback and private-network exchangers may be used
     */
    public DnsMxLookup(Resolver resolver, int port, boolean privateAddresses) {
        this.resolver = resolver;
        this.port = port;
        this.privateAddresses = privateAddresses;
    }

    /** The system's resolvers (/etc/resolv.conf), port 25. */
    public static DnsMxLookup system(boolean privateAddresses) {
        ExtendedResolver resolver = new ExtendedResolver();
        resolver.setTimeout(Limits.DNS_TIMEOUT);
        return new DnsMxLookup(resolver, Limits.SMTP_PORT, privateAddresses);
    }

    @Override
    public List<MailTarget> targets(String domain) throws MxLookupException {
        Name name = absolute(domain);
        Lookup mx = lookup(name, Type.MX);
        Record[] records = mx.run();
        List<Name> exchangers = switch (mx.getResult()) {
            case Lookup.SUCCESSFUL -> exchangers(domain, records);
            case Lookup.TYPE_NOT_FOUND -> List.of(name); // RFC 5321 §5.1: the implicit MX
            case Lookup.HOST_NOT_FOUND -> throw new MxLookupException("domain " + domain + " does not exist", true);
            default -> throw new MxLookupException("DNS lookup of MX " + domain + " failed (" + mx.getErrorString()
                    + "); will try again", false);
        };
        List<MailTarget> targets = new ArrayList<>();
        int refused = 0;
        for (Name exchanger : exchangers) {
            for (InetAddress address : addresses(exchanger)) {
                if (!privateAddresses && PrivateAddresses.isPrivate(address)) {
                    refused++;
                } else if (targets.size() < Limits.MAX_TARGETS) {
                    targets.add(new MailTarget(exchanger.toString(true), address, port));
                }
            }
        }
        if (targets.isEmpty()) {
            throw refused > 0
                    ? new MxLookupException("the mail exchangers of " + domain + " are private addresses; set"
                            + " relay.private-destinations=true to deliver there", true)
                    : new MxLookupException("no address found for any mail exchanger of " + domain, false);
        }
        return targets;
    }

    private static List<Name> exchangers(String domain, Record[] records) throws MxLookupException {
        Map<Integer, List<Name>> byPreference = new java.util.TreeMap<>();
        for (Record r : records) {
            if (r instanceof MXRecord mx) {
                if (mx.getTarget().equals(Name.root)) {
                    throw new MxLookupException("domain " + domain + " accepts no mail (null MX, RFC 7505)", true);
                }
                byPreference.computeIfAbsent(mx.getPriority(), p -> new ArrayList<>()).add(mx.getTarget());
            }
        }
        List<Name> ordered = new ArrayList<>();
        for (List<Name> equal : byPreference.values()) {
            Collections.shuffle(equal);
            ordered.addAll(equal);
        }
        return ordered.subList(0, Math.min(ordered.size(), Limits.MAX_MX_HOSTS));
    }

    /** IPv4 first, then IPv6, at most {@link Limits#MAX_ADDRESSES_PER_HOST}; none if the name does not resolve now. */
    private List<InetAddress> addresses(Name host) {
        Map<String, InetAddress> found = new LinkedHashMap<>();
        for (int type : new int[]{Type.A, Type.AAAA}) {
            Record[] records = lookup(host, type).run();
            if (records == null) {
                continue;
            }
            for (Record r : records) {
                InetAddress address = r instanceof ARecord a ? a.getAddress()
                        : r instanceof AAAARecord aaaa ? aaaa.getAddress() : null;
                if (address != null && found.size() < Limits.MAX_ADDRESSES_PER_HOST) {
                    found.putIfAbsent(address.getHostAddress(), address);
                }
            }
        }
        return List.copyOf(found.values());
    }

    private Lookup lookup(Name name, int type) {
        Lookup lookup = new Lookup(name, type);
        lookup.setResolver(resolver);
        lookup.setCache(cache);
        return lookup;
    }

    private static Name absolute(String domain) throws MxLookupException {
        try {
            return Name.fromString(domain, Name.root);
        } catch (TextParseException e) {
            throw new MxLookupException("'" + domain + "' is not a domain name: " + e.getMessage(), true);
        }
    }
}
