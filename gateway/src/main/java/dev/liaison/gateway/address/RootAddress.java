package dev.liaison.gateway.address;

import dev.liaison.gateway.primitive.Entropy;
import dev.liaison.gateway.wire.Bytes;

/**
 * A high-entropy address a user agrees with its receiving service (seed 4.4, step 1); 128 random
 * bits, so it cannot be guessed. Never sent anywhere except sealed inside a diversified address.
 */
public record RootAddress(Bytes value) {
    public static final int LENGTH = 16;

    public RootAddress {
        if (value.length() != LENGTH) {
            throw new IllegalArgumentException("a root address is " + LENGTH + " bytes, not " + value.length());
        }
    }

    public static RootAddress generate(Entropy entropy) {
        return new RootAddress(Bytes.of(entropy.bytes(LENGTH)));
    }
}
