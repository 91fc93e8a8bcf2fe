package dev.liaison.gateway.envelope;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.address.DiversifiedAddress;
import dev.liaison.gateway.wire.Bytes;

/**
 * What travels between services: the sender-diversified address (with its key generation) and
 * the padded ratchet ciphertext. Deliberately nothing else: no sender identity, no timestamp,
 * no relationship id. The wire version is {@link EnvelopeCodec#VERSION}.
 */
public record Envelope(DiversifiedAddress address, Bytes ciphertext) {

    public Envelope {
        if (!Limits.CIPHERTEXT_BUCKETS.contains(ciphertext.length())) {
            throw new IllegalArgumentException("ciphertext of " + ciphertext.length()
                    + " bytes is not one of the padding bucket sizes");
        }
    }

    public int keyGeneration() {
        return address.generation();
    }

    /**
     * True when the ciphertext is a sealed key agreement (first byte 0x00, its kind) rather than a
     * ratchet message (first byte 0x01, its version): the first message to an invitation. Open it
     * with {@link EnvelopeSealer#openKeyAgreement}.
     */
    public boolean carriesKeyAgreement() {
        return ciphertext.toByteArray()[0] == 0;
    }
}
