package dev.liaison.gateway.relationship;

import dev.liaison.gateway.address.DeliveryRoute;
import dev.liaison.gateway.address.RootAddress;
import dev.liaison.gateway.invitation.PendingInvitation;
import dev.liaison.gateway.primitive.SigningKeyPair;
import dev.liaison.gateway.ratchet.RatchetState;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One local end of a relationship (the seed's Particle): everything this gateway keeps to talk in
 * it. Immutable; every change makes a new value that the caller saves in the transaction that
 * caused it. Stored sealed under the key-encryption key (see {@link ParticleCodec}).
 *
 * @param invitation   while this end waits for the peer to accept its invitation, else null
 * @param ratchet      once the session exists, else null (exactly one of the two is set)
 * @param root         this end's root address at this gateway's receiving service
 * @param addressKey   the key this end signs its addresses with (registered for {@code root})
 * @param ownName      the name this end shows the peer
 * @param peerName     the name the peer shows (empty until known)
 * @param peerRoutes   where the peer receives (empty until known)
 * @param published    expiry of the addresses last sent to the peer; fresh ones are due before it
 * @param publishedGeneration the service-key generation of the route last sent to the peer
 */
public record Particle(PendingInvitation invitation, RatchetState ratchet, RootAddress root, SigningKeyPair addressKey,
                       String ownName, String peerName, List<DeliveryRoute> peerRoutes, Instant published,
                       int publishedGeneration) {

    public Particle {
        if ((invitation == null) == (ratchet == null)) {
            throw new IllegalArgumentException("a particle has either a pending invitation or a ratchet, not "
                    + (invitation == null ? "neither" : "both"));
        }
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(addressKey, "addressKey");
        Objects.requireNonNull(ownName, "ownName");
        Objects.requireNonNull(peerName, "peerName");
        peerRoutes = List.copyOf(peerRoutes);
        Objects.requireNonNull(published, "published");
    }

    /** The session exists: mail can flow (once the peer's routes are known). */
    public boolean established() {
        return ratchet != null;
    }

    public Particle withRatchet(RatchetState next) {
        return new Particle(null, next, root, addressKey, ownName, peerName, peerRoutes, published, publishedGeneration);
    }

    public Particle withPeer(String name, List<DeliveryRoute> routes) {
        return new Particle(invitation, ratchet, root, addressKey, ownName, name, routes, published, publishedGeneration);
    }

    public Particle withPublished(Instant expiry, int generation) {
        return new Particle(invitation, ratchet, root, addressKey, ownName, peerName, peerRoutes, expiry, generation);
    }

    @Override
    public String toString() {
        return "Particle[" + (established() ? "established" : "invited") + ", peer routes " + peerRoutes.size() + "]";
    }
}
