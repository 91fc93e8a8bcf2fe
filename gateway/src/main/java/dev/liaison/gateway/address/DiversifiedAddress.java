package dev.liaison.gateway.address;

import dev.liaison.gateway.primitive.Hpke;
import dev.liaison.gateway.wire.Bytes;

/**
 * A sender-diversified address (the seed's SDA): a signed address sealed again, by the sender, to
 * the receiving service's key of generation {@code k}. Fresh for every message and of fixed length,
 * so two SDAs of one signed address cannot be linked without the service's private key.
 */
public record DiversifiedAddress(int generation, Bytes sealed) {
    public static final int SEALED_LENGTH = Hpke.ENCAPSULATION_LENGTH + SignedAddress.ENCODED_LENGTH + Hpke.TAG_LENGTH;

    public DiversifiedAddress {
        if (generation < 1) {
            throw new IllegalArgumentException("key generations start at 1, got " + generation);
        }
        if (sealed.length() != SEALED_LENGTH) {
            throw new IllegalArgumentException("a diversified address is " + SEALED_LENGTH
                    + " sealed bytes, not " + sealed.length());
        }
    }
}
