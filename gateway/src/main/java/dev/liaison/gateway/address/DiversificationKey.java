package dev.liaison.gateway.address;

import dev.liaison.gateway.wire.Bytes;

/** A receiving service's published X25519 diversification key, tagged with its generation. */
public record DiversificationKey(int generation, Bytes publicKey) {

    public DiversificationKey {
        if (generation < 1) {
            throw new IllegalArgumentException("key generations start at 1, got " + generation);
        }
        if (publicKey.length() != 32) {
            throw new IllegalArgumentException("a diversification key is 32 bytes, not " + publicKey.length());
        }
    }
}
