package dev.liaison.gateway.benchmark;

import dev.liaison.gateway.primitive.Aead;
import dev.liaison.gateway.primitive.Agreement;
import dev.liaison.gateway.primitive.AgreementKeyPair;
import dev.liaison.gateway.primitive.Entropy;
import dev.liaison.gateway.primitive.Hpke;
import dev.liaison.gateway.primitive.Signing;
import dev.liaison.gateway.primitive.SigningKeyPair;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The primitives as the protocol calls them, to show how much of {@code ProtocolBenchmark.fullMessage}
 * is the floor (one HPKE seal, two HPKE opens, one Ed25519 verify, AES-GCM) and how much is ours.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class PrimitiveBenchmark {
    private final Entropy entropy = Entropy.system();
    private AgreementKeyPair recipient;
    private AgreementKeyPair other;
    private SigningKeyPair signer;
    private byte[] message;
    private byte[] signature;
    private byte[] sealedAddress;
    private byte[] key;
    private byte[] nonce;
    private byte[] tenKilobytes;

    @Setup
    public void setUp() {
        recipient = Agreement.generate(entropy);
        other = Agreement.generate(entropy);
        signer = Signing.generate(entropy);
        message = new byte[120];
        signature = Signing.sign(signer, message);
        sealedAddress = Hpke.seal(recipient.publicKey(), new byte[8], new byte[4], new byte[140], entropy);
        key = entropy.bytes(32);
        nonce = entropy.bytes(12);
        tenKilobytes = new byte[10 * 1024];
    }

    @Benchmark
    public Optional<byte[]> x25519Agreement() {
        return Agreement.agree(recipient.privateKey(), other.publicKey());
    }

    @Benchmark
    public boolean ed25519Verify() {
        return Signing.verify(signer.publicKey(), signature, message);
    }

    @Benchmark
    public byte[] hpkeSealAddress() {
        return Hpke.seal(recipient.publicKey(), new byte[8], new byte[4], new byte[140], entropy);
    }

    @Benchmark
    public Optional<byte[]> hpkeOpenAddress() {
        return Hpke.open(recipient, new byte[8], new byte[4], sealedAddress);
    }

    @Benchmark
    public Optional<byte[]> aesGcmSealOpen10k() {
        byte[] sealed = Aead.seal(key, nonce, message, tenKilobytes);
        return Aead.open(key, nonce, message, sealed, 0, sealed.length);
    }
}
