package dev.liaison.gateway.primitive;

import java.security.SecureRandom;

/**
 * The only source of randomness in the protocol core. Production code uses {@link #system()};
 * tests inject a seeded source so that the test vectors in {@code docs/protocol.md} are exact bytes.
 */
@FunctionalInterface
public interface Entropy {

    /** Fills {@code target} with unpredictable bytes. */
    void fill(byte[] target);

    default byte[] bytes(int count) {
        byte[] value = new byte[count];
        fill(value);
        return value;
    }

    /** The platform CSPRNG ({@code new SecureRandom()}: non-blocking, reseeded by the JDK). */
    static Entropy system() {
        SecureRandom random = new SecureRandom();
        return random::nextBytes;
    }
}
