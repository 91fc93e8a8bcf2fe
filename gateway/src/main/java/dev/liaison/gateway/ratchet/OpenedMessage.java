package dev.liaison.gateway.ratchet;

import dev.liaison.gateway.wire.Bytes;

/** The result of {@link Ratchet#open}: the state to persist and the plaintext, together. */
public record OpenedMessage(RatchetState state, Bytes plaintext) {
}
