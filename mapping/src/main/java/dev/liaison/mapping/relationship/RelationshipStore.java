package dev.liaison.mapping.relationship;

import dev.liaison.mapping.user.Login;

import java.sql.Connection;
import java.util.List;
import java.util.Optional;

/**
 * Relationships and their opaque protocol state, stored in the caller's transaction (methods never
 * commit). To advance a ratchet: {@link #lock} the row, compute the new state, {@link #saveState}
 * with the version read, commit. The row lock makes a second node wait instead of forking the
 * ratchet; the version check refuses a save based on a read made without the lock.
 */
public interface RelationshipStore {

    /**
     * A new PENDING relationship of an existing user at protocol state version 1.
     * {@link dev.liaison.mapping.user.UnknownUserException} if there is no such user;
     * {@link InvalidRelationshipException} for a bad peer name or an oversized state.
     */
    Relationship create(Connection c, Login owner, String peerName, byte[] initialState);

    Optional<Relationship> find(Connection c, long id);

    /**
     * Reads the relationship with {@code SELECT … FOR UPDATE}: other transactions locking or saving
     * it wait until this one ends. {@link UnknownRelationshipException} if there is none.
     */
    Relationship lock(Connection c, long id);

    /**
     * Stores a new protocol state and bumps the version by one, returning the saved relationship.
     * {@link StaleRelationshipStateException} (nothing changed) if the stored version is not
     * {@code expectedVersion}; {@link EndedRelationshipException} if it has ended;
     * {@link UnknownRelationshipException}; {@link InvalidRelationshipException} if oversized.
     */
    Relationship saveState(Connection c, long id, long expectedVersion, byte[] newState);

    /**
     * Moves to another state, leaving the protocol state as it is. ENDED is final
     * ({@link EndedRelationshipException}); nothing goes back to PENDING
     * ({@link InvalidRelationshipException}) but a relationship blocked while pending;
     * {@link UnknownRelationshipException}. Blocking remembers the state the block interrupts
     * ({@link #stateBeforeBlock}); any other change forgets it.
     */
    Relationship changeState(Connection c, long id, RelationshipState state);

    /**
     * What the blocked relationship {@code id} was when it was blocked, for an unblock to return to;
     * empty if it is not blocked, or was blocked before this was recorded.
     */
    Optional<RelationshipState> stateBeforeBlock(Connection c, long id);

    /**
     * Changes the name the owner knows the peer by (the peer named itself, or renamed itself in an
     * update). {@link InvalidRelationshipException} for a bad name; {@link UnknownRelationshipException}.
     */
    Relationship renamePeer(Connection c, long id, String peerName);

    /** The relationships of one user, oldest first; empty for an unknown user. */
    List<Relationship> listOf(Connection c, Login owner);
}
