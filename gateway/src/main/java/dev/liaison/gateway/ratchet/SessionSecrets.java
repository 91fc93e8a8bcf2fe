package dev.liaison.gateway.ratchet;

import dev.liaison.gateway.wire.Bytes;

/**
 * What a key agreement hands the ratchet: the shared key {@code SK}, the two shared header keys of
 * the header-encryption variant ({@code shared_hka} for the initiator's first chain,
 * {@code shared_nhkb} for the responder's), and the session's associated data.
 */
public record SessionSecrets(Bytes sharedKey, Bytes initiatorHeaderKey, Bytes responderNextHeaderKey,
                             Bytes associatedData) {

    public SessionSecrets {
        if (sharedKey.length() != 32 || initiatorHeaderKey.length() != 32 || responderNextHeaderKey.length() != 32
                || associatedData.length() != 32) {
            throw new IllegalArgumentException("session secrets are 32 bytes each");
        }
    }
}
