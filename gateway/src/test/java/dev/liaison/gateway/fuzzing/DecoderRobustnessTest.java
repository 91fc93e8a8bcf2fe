package dev.liaison.gateway.fuzzing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The deterministic half of decoder fuzzing, run by every build: each decoder gets every
 * truncation of a valid encoding, thousands of single- and multi-byte mutations of it, and random
 * bytes, and must refuse all of them with its documented exception only.
 */
class DecoderRobustnessTest {

    static Stream<String> targets() {
        return DecoderTargets.targets().keySet().stream();
    }

    @ParameterizedTest
    @MethodSource("targets")
    void decoderRefusesTruncatedMutatedAndRandomBytesWithItsDocumentedErrorOnly(String name) {
        DecoderTargets.Target target = DecoderTargets.targets().get(name);
        Map<String, List<byte[]>> samples = DecoderTargets.samples();
        Random random = new Random(name.hashCode());
        for (byte[] sample : samples.get(name)) {
            int step = Math.max(1, sample.length / 300);
            for (int length = 0; length < sample.length; length += step) {
                feed(target, Arrays.copyOf(sample, length));
            }
            for (int i = 0; i < 1500; i++) {
                byte[] mutated = sample.clone();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
                }
                feed(target, mutated);
            }
        }
        for (int i = 0; i < 500; i++) {
            byte[] noise = new byte[random.nextInt(600)];
            random.nextBytes(noise);
            feed(target, noise);
        }
    }

    private static void feed(DecoderTargets.Target target, byte[] input) {
        assertDoesNotThrow(() -> target.feed(input), () -> "input " + java.util.HexFormat.of().formatHex(input));
    }
}
