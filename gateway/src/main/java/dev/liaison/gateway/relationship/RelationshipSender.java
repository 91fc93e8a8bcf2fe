package dev.liaison.gateway.relationship;

import dev.liaison.gateway.address.DeliveryRoute;
import dev.liaison.gateway.address.SignedAddress;
import dev.liaison.gateway.envelope.EnvelopeCodec;
import dev.liaison.gateway.envelope.EnvelopeSealer;
import dev.liaison.gateway.envelope.SealedEnvelope;
import dev.liaison.gateway.payload.Payload;
import dev.liaison.gateway.payload.PayloadItem;
import dev.liaison.gateway.primitive.Entropy;
import dev.liaison.gateway.ratchet.RatchetState;
import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.gateway.transport.send.OutboundEnvelope;
import dev.liaison.gateway.transport.send.OutboundQueue;

import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Sends payload items to the peer of a locked relationship (docs/protocol.md §8.3): adds fresh
 * addresses when they are due (the Particle update that keeps the peer's addresses alive), seals
 * with the ratchet, diversifies one of the peer's addresses, enqueues the envelope and saves the
 * advanced state — all in the caller's transaction, so either everything happened or nothing did.
 */
public final class RelationshipSender {

    private final Particles particles;
    private final OwnRoutes routes;
    private final EnvelopeSealer sealer;
    private final OutboundQueue queue;
    private final Entropy entropy;
    private final RandomGenerator choice = new SecureRandom();

    public RelationshipSender(Particles particles, OwnRoutes routes, EnvelopeSealer sealer, OutboundQueue queue,
                              Entropy entropy) {
        this.particles = particles;
        this.routes = routes;
        this.sealer = sealer;
        this.queue = queue;
        this.entropy = entropy;
    }

    /** What was sent: the relationship as saved, and the envelope's idempotency key. */
    public record Sent(Particles.Held held, EnvelopeId envelopeId) {
    }

    /**
     * Seals {@code items} for the peer. {@link NotEstablishedException} if the session or the peer's
     * addresses are not (or no longer) known; nothing is written then.
     */
    public Sent send(Connection c, Particles.Held held, List<PayloadItem> items, Instant now) throws SQLException {
        return send(c, held, items, now, EnvelopeId.random());
    }

    /** {@link #send}, as envelope {@code id}: one the caller has recorded already. */
    public Sent send(Connection c, Particles.Held held, List<PayloadItem> items, Instant now, EnvelopeId id)
            throws SQLException {
        Particle particle = held.particle();
        requireEstablished(held.row().id(), particle);
        boolean refresh = routes.due(particle, now);
        List<PayloadItem> all = new ArrayList<>(items);
        if (refresh) {
            all.add(new PayloadItem.Routes(List.of(routes.route(particle, now))));
        }
        Particle next = particle.withRatchet(enqueue(c, held.row().id(), particle, all, now, id));
        if (refresh) {
            next = next.withPublished(routes.expiry(now), routes.generation());
            particles.endpoints().refreshed(c, held.row().id(), OwnRoutes.refreshAt(next.published()));
        }
        return new Sent(particles.save(c, held, next), id);
    }

    /**
     * Seals {@code items} as the last envelope of relationship {@code relationshipId}, which has
     * ended already: queued in the caller's transaction, the advanced state not kept (an ended
     * relationship's state is final and never used again), no fresh addresses offered.
     */
    public void sendLast(Connection c, long relationshipId, Particle particle, List<PayloadItem> items, Instant now)
            throws SQLException {
        requireEstablished(relationshipId, particle);
        enqueue(c, relationshipId, particle, items, now, EnvelopeId.random());
    }

    private static void requireEstablished(long relationshipId, Particle particle) {
        if (!particle.established() || particle.peerRoutes().isEmpty()) {
            throw new NotEstablishedException("relationship " + relationshipId
                    + " is not established yet: the peer has not completed the invitation");
        }
    }

    /** Seals {@code items} to one of the peer's live addresses and queues the envelope; returns the advanced ratchet. */
    private RatchetState enqueue(Connection c, long relationshipId, Particle particle, List<PayloadItem> items,
                                 Instant now, EnvelopeId id) throws SQLException {
        DeliveryRoute route = particle.peerRoutes().get(choice.nextInt(particle.peerRoutes().size()));
        SignedAddress address = liveAddress(relationshipId, route, now);
        SealedEnvelope sealed = sealer.seal(particle.ratchet(), Payload.of(entropy, items), address, route.serviceKey());
        queue.enqueue(c, new OutboundEnvelope(id, URI.create(route.serviceUrl()),
                EnvelopeBytes.adopt(EnvelopeCodec.encode(sealed.envelope()))));
        return sealed.state();
    }

    private SignedAddress liveAddress(long relationshipId, DeliveryRoute route, Instant now) {
        List<SignedAddress> live = route.addresses().stream().filter(a -> !a.isExpiredAt(now)).toList();
        if (live.isEmpty()) {
            throw new NotEstablishedException("every address the peer of relationship " + relationshipId
                    + " gave has expired; mail can flow again once the peer sends fresh ones");
        }
        return live.get(choice.nextInt(live.size()));
    }

    /** The relationship cannot carry mail (yet, or any more). */
    public static final class NotEstablishedException extends IllegalStateException {
        public NotEstablishedException(String message) {
            super(message);
        }
    }
}
