package dev.liaison.gateway.fuzzing;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz targets for every decoder. Under {@code mvn verify} (no {@code JAZZER_FUZZ}) Jazzer runs
 * them in regression mode over the seed corpus in {@code DecoderFuzzTestInputs/<method>/} (valid
 * encodings written by {@link DecoderTargets#main}) plus any crash files; to fuzz for real run
 * {@code JAZZER_FUZZ=1 mvn -o -pl gateway -am test -Dtest=DecoderFuzzTest#payload}. A finding is any
 * throwable other than the decoder's documented exception, or running out of memory.
 */
class DecoderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void envelope(byte[] input) {
        DecoderTargets.envelope(input);
    }

    @FuzzTest(maxDuration = "60s")
    void ratchetMessage(byte[] input) {
        DecoderTargets.ratchetMessage(input);
    }

    @FuzzTest(maxDuration = "60s")
    void ratchetState(byte[] input) {
        DecoderTargets.ratchetState(input);
    }

    @FuzzTest(maxDuration = "60s")
    void payload(byte[] input) {
        DecoderTargets.payload(input);
    }

    @FuzzTest(maxDuration = "60s")
    void invitation(byte[] input) {
        DecoderTargets.invitation(input);
    }

    @FuzzTest(maxDuration = "60s")
    void keyAgreement(byte[] input) {
        DecoderTargets.keyAgreement(input);
    }

    @FuzzTest(maxDuration = "60s")
    void storedKeys(byte[] input) {
        DecoderTargets.storedKeys(input);
    }
}
