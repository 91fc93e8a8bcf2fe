package dev.liaison.gateway.primitive;

import java.nio.charset.StandardCharsets;

/**
 * Deterministic "randomness" for tests and the test vectors of docs/protocol.md: the stream is
 * SHA-256(seed || u32 counter) for counter = 0, 1, 2, … concatenated, consumed in order.
 * Never used outside tests.
 */
public final class SeededEntropy implements Entropy {
    private final byte[] seed;
    private int counter;
    private byte[] block = new byte[0];
    private int used;

    public SeededEntropy(String seed) {
        this.seed = seed.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void fill(byte[] target) {
        for (int i = 0; i < target.length; i++) {
            if (used == block.length) {
                block = Kdf.sha256(seed, new byte[] {
                    (byte) (counter >>> 24), (byte) (counter >>> 16), (byte) (counter >>> 8), (byte) counter});
                counter++;
                used = 0;
            }
            target[i] = block[used++];
        }
    }
}
