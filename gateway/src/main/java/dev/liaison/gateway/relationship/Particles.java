package dev.liaison.gateway.relationship;

import dev.liaison.gateway.address.RootAddress;
import dev.liaison.gateway.primitive.Entropy;
import dev.liaison.gateway.primitive.Signing;
import dev.liaison.gateway.primitive.SigningKeyPair;
import dev.liaison.gateway.receiving.Endpoints;
import dev.liaison.mapping.relationship.PostgresRelationshipStore;
import dev.liaison.mapping.relationship.Relationship;
import dev.liaison.mapping.relationship.RelationshipStore;
import dev.liaison.mapping.user.Login;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Where relationship state is read and written: the row in {@code mapping.relationships} (locked
 * for the transaction that advances it) with its sealed {@link Particle}, and the root address
 * registered at the receiving service. Every method works in the caller's transaction.
 */
public final class Particles {

    private final ParticleCodec codec;
    private final RelationshipStore store = new PostgresRelationshipStore();
    private final Endpoints endpoints;
    private final Entropy entropy;

    public Particles(ParticleCodec codec, Endpoints endpoints, Entropy entropy) {
        this.codec = codec;
        this.endpoints = endpoints;
        this.entropy = entropy;
    }

    /** A relationship row locked for this transaction, with its opened state. */
    public record Held(Relationship row, Particle particle) {
    }

    /** This end's receiving identity, made before the relationship's first state. */
    public record OwnEnd(RootAddress root, SigningKeyPair addressKey) {
    }

    public Held lock(Connection c, long relationshipId) {
        Relationship row = store.lock(c, relationshipId);
        return new Held(row, codec.open(row.id(), row.protocolState().bytes()));
    }

    /** The opened state of a relationship row read without a lock (to look at, never to advance). */
    public Particle read(Relationship row) {
        return codec.open(row.id(), row.protocolState().bytes());
    }

    /** A fresh root address and address-signing key for a new relationship end. */
    public OwnEnd newEnd() {
        return new OwnEnd(RootAddress.generate(entropy), Signing.generate(entropy));
    }

    /**
     * Stores a new pending relationship of {@code owner} with its first state, and registers its
     * root address at the receiving service.
     */
    public Held create(Connection c, Login owner, String peerName, OwnEnd own, Particle first, Instant refreshAt)
            throws SQLException {
        Relationship placeholder = store.create(c, owner, peerName, new byte[0]);
        endpoints.register(c, own.root(), placeholder.id(), own.addressKey().publicKey(), refreshAt);
        Relationship row = store.saveState(c, placeholder.id(), placeholder.stateVersion(),
                codec.seal(placeholder.id(), first));
        return new Held(row, first);
    }

    /**
     * Gives an existing relationship without protocol state (a legacy relationship being upgraded)
     * its first state, and registers its root address at the receiving service.
     */
    public Held attach(Connection c, long relationshipId, OwnEnd own, Particle first, Instant refreshAt)
            throws SQLException {
        Relationship row = store.lock(c, relationshipId);
        if (row.protocolState().length() != 0) {
            throw new IllegalStateException("relationship " + relationshipId + " already has protocol state");
        }
        endpoints.register(c, own.root(), relationshipId, own.addressKey().publicKey(), refreshAt);
        Relationship saved = store.saveState(c, relationshipId, row.stateVersion(), codec.seal(relationshipId, first));
        return new Held(saved, first);
    }

    /** Saves {@code next} as the state of the locked relationship. */
    public Held save(Connection c, Held held, Particle next) {
        Relationship row = store.saveState(c, held.row().id(), held.row().stateVersion(), codec.seal(held.row().id(), next));
        return new Held(row, next);
    }

    /**
     * Keeps the locked relationship's invitation answerable after its user is removed
     * ({@link Endpoints#retire}): its address and its pending state, as sealed, until the invitation
     * expires. Only for an invitation not yet accepted; false if its address was gone already.
     */
    public boolean retire(Connection c, Held held) throws SQLException {
        if (held.particle().established()) {
            throw new IllegalStateException("relationship " + held.row().id() + " is established: no invitation to retire");
        }
        return endpoints.retire(c, held.row().id(), held.row().protocolState().bytes(),
                held.particle().invitation().invitation().expiry());
    }

    /** The pending state of a removed user's invitation ({@link #retire}), locked, if it is still kept. */
    public Optional<Particle> lockRetired(Connection c, long relationshipId) throws SQLException {
        return endpoints.lockRetired(c, relationshipId).map(sealed -> codec.open(relationshipId, sealed));
    }

    public RelationshipStore store() {
        return store;
    }

    public Endpoints endpoints() {
        return endpoints;
    }
}
