package dev.liaison.gateway.invitation;

import dev.liaison.gateway.identity.PublicIdentity;
import dev.liaison.gateway.ratchet.RatchetState;

/**
 * The inviter's result of a valid key agreement: the pending invitation marked used (persist it in
 * the same transaction as the session), the session state, and who accepted with what profile.
 */
public record Completion(PendingInvitation usedInvitation, RatchetState state, PublicIdentity acceptor,
                         AcceptorProfile profile) {
}
