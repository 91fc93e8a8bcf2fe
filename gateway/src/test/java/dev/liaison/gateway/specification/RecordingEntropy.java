package dev.liaison.gateway.specification;

import dev.liaison.gateway.primitive.Entropy;
import dev.liaison.gateway.primitive.SeededEntropy;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Seeded entropy that remembers each draw, so a test vector can list the random inputs it used. */
final class RecordingEntropy implements Entropy {
    private final SeededEntropy source;
    private final List<String> draws = new ArrayList<>();

    RecordingEntropy(String seed) {
        source = new SeededEntropy(seed);
    }

    @Override
    public void fill(byte[] target) {
        source.fill(target);
        draws.add(HexFormat.of().formatHex(target));
    }

    /** The draws since the last call, oldest first. */
    List<String> drain() {
        List<String> drained = List.copyOf(draws);
        draws.clear();
        return drained;
    }
}
