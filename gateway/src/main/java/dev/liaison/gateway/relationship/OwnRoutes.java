package dev.liaison.gateway.relationship;

import dev.liaison.gateway.address.AddressDiversifier;
import dev.liaison.gateway.address.DeliveryRoute;
import dev.liaison.gateway.address.DiversificationKey;
import dev.liaison.gateway.address.SignedAddress;
import dev.liaison.gateway.receiving.ServiceKeys;

import dev.liaison.gateway.receiving.Endpoints;

import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Makes the delivery routes a local end hands its peer: this gateway's endpoint, its current
 * service key, and a few freshly signed addresses. Addresses live {@link #ADDRESS_LIFETIME}; fresh
 * ones go out with normal traffic (or a keep-alive) once half of that has passed, the service key
 * rotated, or the endpoint moved ({@link #republishIfMoved}), so a peer always holds addresses
 * that still resolve at a URL that still answers.
 */
public final class OwnRoutes {

    public static final Duration ADDRESS_LIFETIME = Duration.ofDays(30);
    public static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofDays(15);
    /** Several addresses per route so consecutive messages need not reuse one (each is diversified anyway). */
    static final int ADDRESSES_PER_ROUTE = 4;

    private final Supplier<URI> endpoint;
    private final ServiceKeys keys;
    private final AddressDiversifier diversifier;
    /** Routes published before this went to another endpoint: they are due again. */
    private volatile Instant endpointSince = Instant.EPOCH;

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
                || particle.publishedGeneration() != generation()
                || particle.published().minus(ADDRESS_LIFETIME).isBefore(endpointSince);
    }

    /**
     * Compares the endpoint with the one recorded as published (in {@code relay.service_keys},
     * locked by the caller's transaction) and, when it moved ({@code http.public-url} or the port
     * changed) or was never recorded, records it and makes every relationship due for a refresh
     * now, as a key rotation does: the keep-alive then sends every peer the new route at once,
     * rather than when its addresses next run low (up to 15 days, while its mail went to the old
     * URL until it expired).
     *
     * @return the move, if the endpoint is not the one recorded
     */
    public Optional<Moved> republishIfMoved(Connection c, Endpoints endpoints, Instant now) throws SQLException {
        String current = endpoint.get().toString();
        try (var s = c.prepareStatement("SELECT published_url, published_url_since FROM relay.service_keys"
                + " WHERE id = 1 FOR UPDATE");
             var rs = s.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("the service key ring is not stored yet");
            }
            if (current.equals(rs.getString(1))) {
                endpointSince = rs.getTimestamp(2).toInstant();
                return Optional.empty();
            }
            String before = rs.getString(1);
            // whole seconds, as a particle's publication time is kept: a route sent in this second
            // already names the new endpoint
            Instant since = now.truncatedTo(ChronoUnit.SECONDS);
            try (var u = c.prepareStatement("UPDATE relay.service_keys SET published_url = ?, published_url_since = ?"
                    + " WHERE id = 1")) {
                u.setString(1, current);
                u.setTimestamp(2, Timestamp.from(since));
                u.executeUpdate();
            }
            int relationships = endpoints.refreshAllBy(c, now);
            endpointSince = since;
            return Optional.of(new Moved(before, current, relationships));
        }
    }

    /**
     * The endpoint changed from {@code before} (null: not recorded) to {@code now};
     * {@code relationships} are due for the new route now (those not due already).
     */
    public record Moved(String before, String now, int relationships) {
    }

    /** When a keep-alive must carry fresh addresses if no message did before. */
    public static Instant refreshAt(Instant publishedExpiry) {
        return publishedExpiry.minus(REFRESH_BEFORE_EXPIRY);
    }
}
