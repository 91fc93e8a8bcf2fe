package dev.liaison.gateway.invitation;

import dev.liaison.gateway.identity.RelationshipIdentity;
import dev.liaison.gateway.ratchet.RatchetState;
import dev.liaison.gateway.wire.Bytes;

/**
 * The acceptor's result: its new identity for this relationship, its ratchet state (able to send
 * at once), and the key-agreement message to deliver to one of the inviter's addresses.
 */
public record Acceptance(RelationshipIdentity identity, RatchetState state, Bytes keyAgreement) {
}
