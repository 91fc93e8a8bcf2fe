package dev.liaison.gateway.ratchet;

import dev.liaison.gateway.wire.Bytes;

/** The result of {@link Ratchet#seal}: the state to persist and the message to send, together. */
public record SealedMessage(RatchetState state, Bytes message) {
}
