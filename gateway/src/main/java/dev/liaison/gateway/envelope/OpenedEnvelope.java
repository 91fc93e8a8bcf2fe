package dev.liaison.gateway.envelope;

import dev.liaison.gateway.payload.Payload;
import dev.liaison.gateway.ratchet.RatchetState;

/** The recipient's result: the ratchet state to persist and the payload to deliver, in one transaction. */
public record OpenedEnvelope(RatchetState state, Payload payload) {
}
