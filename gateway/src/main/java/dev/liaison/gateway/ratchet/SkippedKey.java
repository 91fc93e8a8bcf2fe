package dev.liaison.gateway.ratchet;

import dev.liaison.gateway.wire.Bytes;

/** A message key kept for a message not yet received, indexed by header key and message number. */
public record SkippedKey(Bytes headerKey, int number, Bytes messageKey) {
}
