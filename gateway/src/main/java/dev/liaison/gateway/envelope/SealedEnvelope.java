package dev.liaison.gateway.envelope;

import dev.liaison.gateway.ratchet.RatchetState;

/** The sender's result: the ratchet state to persist and the envelope to queue, in one transaction. */
public record SealedEnvelope(RatchetState state, Envelope envelope) {
}
