package dev.liaison.mapping.relationship;

import dev.liaison.mapping.user.Login;

import java.time.Instant;
import java.util.Objects;

/**
 * A relationship as stored: its owner, the name the owner knows the peer by in this relationship,
 * its state, and the protocol state with the version it was saved under (pass that version to
 * {@link RelationshipStore#saveState} so a concurrent save is detected).
 */
public record Relationship(long id, long ownerId, Login owner, String peerName, RelationshipState state,
                           ProtocolState protocolState, long stateVersion, Instant createdAt, Instant updatedAt) {

    /** Longest peer display name, in characters (the column's CHECK says the same). */
    public static final int MAX_PEER_NAME_LENGTH = 200;

    public Relationship {
        Objects.requireNonNull(owner, "owner");
        checkedPeerName(peerName);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(protocolState, "protocolState");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** {@link InvalidRelationshipException} unless 1 to {@link #MAX_PEER_NAME_LENGTH} characters, no control characters. */
    public static String checkedPeerName(String peerName) {
        if (peerName == null || peerName.isBlank() || peerName.length() > MAX_PEER_NAME_LENGTH
                || peerName.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidRelationshipException("invalid peer name '" + peerName + "': use 1 to "
                    + MAX_PEER_NAME_LENGTH + " characters, not only spaces, without control characters");
        }
        return peerName;
    }

    /** Mail to and from the peer flows only in an active relationship. */
    public boolean active() {
        return state == RelationshipState.ACTIVE;
    }
}
