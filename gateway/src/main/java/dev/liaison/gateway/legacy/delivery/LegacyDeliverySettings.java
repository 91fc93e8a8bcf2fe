package dev.liaison.gateway.legacy.delivery;

import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.tls.PeerTrust;
import dev.liaison.gateway.transport.send.DeliverySettings;

import javax.net.ssl.SSLContext;
import java.util.Objects;

/**
 * Everything outbound legacy email is built from.
 *
 * @param domain         the gateway's domain: DKIM {@code d=}, the EHLO name, failure notices
 * @param route          smarthost, direct MX or off
 * @param dkimSelector   {@code dkim.selector}
 * @param queue          the queue's behaviour: the relay's expiry, backoff and clock, with a
 *                       longer lease and fewer threads for SMTP ({@link #queueFrom})
 * @param smarthostTrust which smarthost certificates are accepted
 * @param mxLookup       where a recipient domain's mail goes (direct MX only)
 */
public record LegacyDeliverySettings(String domain, LegacyRoute route, String dkimSelector, DeliverySettings queue,
                                     SSLContext smarthostTrust, MxLookup mxLookup) {

    public LegacyDeliverySettings {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(dkimSelector, "dkimSelector");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(smarthostTrust, "smarthostTrust");
        Objects.requireNonNull(mxLookup, "mxLookup");
    }

    /**
     * From the configuration: {@code legacy.relay.*}, {@code legacy.direct-mx}, {@code dkim.selector};
     * the JDK's CAs plus {@code relay.trusted-certificates} for the smarthost; the system's DNS
     * resolvers, skipping private addresses unless {@code relay.private-destinations=true}.
     *
     * @param relayDelivery the relay's queue settings, whose expiry ({@code relay.expiry}),
     *                      backoff and clock legacy email shares
     */
    public static LegacyDeliverySettings from(Configuration configuration, DeliverySettings relayDelivery) {
        return new LegacyDeliverySettings(configuration.domain(), LegacyRoute.of(configuration),
                configuration.dkimSelector(), queueFrom(relayDelivery),
                PeerTrust.sslContext(configuration.trustedCertificates()),
                DnsMxLookup.system(configuration.privateDestinations()));
    }

    /** The relay's expiry, backoff, poll interval, clock, events and node; SMTP's lease and thread counts. */
    public static DeliverySettings queueFrom(DeliverySettings relay) {
        return new DeliverySettings(relay.expiry(), Limits.DOMAIN_CONCURRENCY, Limits.DELIVERY_THREADS,
                relay.backoff(), Limits.CLAIM_LEASE, relay.pollInterval(), relay.clock(), relay.events(), relay.node());
    }

    public LegacyDeliverySettings withRoute(LegacyRoute value) {
        return new LegacyDeliverySettings(domain, value, dkimSelector, queue, smarthostTrust, mxLookup);
    }

    public LegacyDeliverySettings withSmarthostTrust(SSLContext value) {
        return new LegacyDeliverySettings(domain, route, dkimSelector, queue, value, mxLookup);
    }

    public LegacyDeliverySettings withMxLookup(MxLookup value) {
        return new LegacyDeliverySettings(domain, route, dkimSelector, queue, smarthostTrust, value);
    }

    public LegacyDeliverySettings withQueue(DeliverySettings value) {
        return new LegacyDeliverySettings(domain, route, dkimSelector, value, smarthostTrust, mxLookup);
    }
}
