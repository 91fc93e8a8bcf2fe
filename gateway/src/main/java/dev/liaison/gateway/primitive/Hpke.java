package dev.liaison.gateway.primitive;

import dev.liaison.gateway.wire.Bytes;
import java.util.Optional;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;

/**
 * HPKE (RFC 9180) in base mode, single-shot, with the suite DHKEM(X25519, HKDF-SHA256) 0x0020,
 * HKDF-SHA256 0x0001, ChaCha20-Poly1305 0x0003, from BouncyCastle. ChaCha20 rather than AES-GCM
 * because BouncyCastle's HPKE runs its own portable AEAD and ChaCha20 is constant-time in software;
 * the sealed texts are addresses of a few hundred bytes and key agreements of at most 8 KiB, once
 * per relationship, so the AEAD is not the cost here.
 * The ephemeral key comes from {@link Entropy}, so diversified addresses in test vectors are exact.
 */
public final class Hpke {
    public static final int ENCAPSULATION_LENGTH = 32;
    public static final int TAG_LENGTH = 16;
    public static final int KEM_ID = HPKE.kem_X25519_SHA256;
    public static final int KDF_ID = HPKE.kdf_HKDF_SHA256;
    public static final int AEAD_ID = HPKE.aead_CHACHA20_POLY1305;

    private Hpke() {
    }

    /**
     * {@code enc || ciphertext}: the 32-byte encapsulated key followed by the AEAD output.
     *
     * @throws IllegalArgumentException if {@code recipientPublicKey} is a low-order point (no
     *     contributory agreement exists); decoders refuse such keys before they reach here
     */
    public static byte[] seal(Bytes recipientPublicKey, byte[] info, byte[] associatedData,
                              byte[] plaintext, Entropy entropy) {
        HPKE hpke = suite();
        AgreementKeyPair ephemeral = Agreement.generate(entropy);
        AsymmetricCipherKeyPair ephemeralPair = hpke.deserializePrivateKey(
                ephemeral.privateKey().toByteArray(), ephemeral.publicKey().toByteArray());
        try {
            HPKEContextWithEncapsulation context = hpke.setupBaseS(
                    hpke.deserializePublicKey(recipientPublicKey.toByteArray()), info, ephemeralPair);
            byte[] ciphertext = context.seal(associatedData, plaintext);
            byte[] sealed = new byte[ENCAPSULATION_LENGTH + ciphertext.length];
            System.arraycopy(context.getEncapsulation(), 0, sealed, 0, ENCAPSULATION_LENGTH);
            System.arraycopy(ciphertext, 0, sealed, ENCAPSULATION_LENGTH, ciphertext.length);
            return sealed;
        } catch (InvalidCipherTextException e) {
            throw new AssertionError("HPKE seal failed with valid parameters", e);
        } catch (IllegalStateException e) {
            // BouncyCastle signals an all-zero DH output ("X25519 agreement failed") this way.
            throw new IllegalArgumentException("HPKE recipient key is a low-order X25519 point; nothing can be"
                    + " sealed to it", e);
        }
    }

    /**
     * The plaintext, or empty when {@code sealed} was not made for this key pair, info and data,
     * was altered, or carries an encapsulated key that is a low-order point.
     */
    public static Optional<byte[]> open(AgreementKeyPair recipient, byte[] info, byte[] associatedData,
                                        byte[] sealed) {
        if (sealed.length < ENCAPSULATION_LENGTH + TAG_LENGTH) {
            return Optional.empty();
        }
        HPKE hpke = suite();
        byte[] encapsulation = java.util.Arrays.copyOf(sealed, ENCAPSULATION_LENGTH);
        try {
            AsymmetricCipherKeyPair pair = hpke.deserializePrivateKey(
                    recipient.privateKey().toByteArray(), recipient.publicKey().toByteArray());
            HPKEContext context = hpke.setupBaseR(encapsulation, pair, info);
            return Optional.of(context.open(associatedData, sealed, ENCAPSULATION_LENGTH,
                    sealed.length - ENCAPSULATION_LENGTH));
        } catch (InvalidCipherTextException e) {
            return Optional.empty();
        } catch (IllegalStateException | IllegalArgumentException e) {
            // BouncyCastle signals an all-zero DH output ("agreement value invalid") this way.
            return Optional.empty();
        }
    }

    private static HPKE suite() {
        return new HPKE(HPKE.mode_base, (short) KEM_ID, (short) KDF_ID, (short) AEAD_ID);
    }
}
