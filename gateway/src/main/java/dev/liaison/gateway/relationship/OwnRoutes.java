package dev.liaison.gateway.relationship;

import dev.liaison.gateway.address.AddressDiversifier;
import dev.liaison.gateway.address.DeliveryRoute;
import dev.liaison.gateway.address.DiversificationKey;
import dev.liaison.gateway.address.SignedAddress;
import dev.liaison.gateway.receiving.ServiceKeys;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Makes the delivery routes a local end hands its peer: this gateway's endpoint, its current
 * service key, and a few freshly signed addresses. Addresses live {@link #ADDRESS_LIFETIME}; fresh
 * ones go out with normal traffic (or a keep-alive) once half of that has passed or the service key
 * rotated, so a peer always holds addresses that still resolve.
 */
public final class OwnRoutes {

    public static final Duration ADDRESS_LIFETIME = Duration.ofDays(30);
    public static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofDays(15);
    /** Several addresses per route so consecutive messages need not reuse one (each is diversified anyway). */
    static final int ADDRESSES_PER_ROUTE = 4;

    private final Supplier<URI> endpoint;
    private final ServiceKeys keys;
    private final AddressDiversifier diversifier;

    /** {@code endpoint} is asked each time: a listener on port 0 knows its port only once bound. */
    public OwnRoutes(Supplier<URI> endpoint, ServiceKeys keys, AddressDiversifier diversifier) {
        this.endpoint = endpoint;
        this.keys = keys;
        this.diversifier = diversifier;
    }

    /** A new route for {@code particle}'s root address; the caller records {@link #expiry(Instant)} as published. */
    public DeliveryRoute route(Particle particle, Instant now) {
        return route(particle.root(), particle.addressKey(), now);
    }

    DeliveryRoute route(dev.liaison.gateway.address.RootAddress root, dev.liaison.gateway.primitive.SigningKeyPair key,
                        Instant now) {
        DiversificationKey current = keys.currentKey();
        List<SignedAddress> addresses = new ArrayList<>(ADDRESSES_PER_ROUTE);
        for (int i = 0; i < ADDRESSES_PER_ROUTE; i++) {
            addresses.add(diversifier.forRecipient(root, current, key, expiry(now)));
        }
        return new DeliveryRoute(endpoint.get().toString(), current, addresses);
    }

    public Instant expiry(Instant now) {
        return now.plus(ADDRESS_LIFETIME);
    }

    public int generation() {
        return keys.currentKey().generation();
    }

    /** Whether the peer should get fresh addresses with the next message. */
    public boolean due(Particle particle, Instant now) {
        return !particle.published().minus(REFRESH_BEFORE_EXPIRY).isAfter(now)
                || particle.publishedGeneration() != generation();
    }

    /** When a keep-alive must carry fresh addresses if no message did before. */
    public static Instant refreshAt(Instant publishedExpiry) {
        return publishedExpiry.minus(REFRESH_BEFORE_EXPIRY);
    }
}
